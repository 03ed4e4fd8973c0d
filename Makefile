# heapscope: a thin wrapper over CMake so that `make`, `make test` and
# `make install` do the whole job on a fresh Debian 12 machine (missing
# packages are installed by scripts/deps.sh first).
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
PREFIX ?= /usr/local

.PHONY: all deps configure test install asan clean bench demo

all: configure
	cmake --build $(BUILD) -j$(JOBS)

deps:
	@sh scripts/deps.sh

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || \
	    cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

test: all
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

install: all
	cmake --install $(BUILD)

# The whole test suite under AddressSanitizer and UBSan, in its own tree.
asan:
	@sh scripts/deps.sh
	@test -f build-asan/CMakeCache.txt || cmake -S . -B build-asan \
	    -DCMAKE_BUILD_TYPE=Debug -DHS_SANITIZE="address;undefined" -DHS_WERROR=ON
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest --output-on-failure -j$(JOBS) -LE python

bench: all
	bash bench/run.sh

clean:
	rm -rf $(BUILD) build-asan

# The main job on the built-in example: a real heap dump made by meliae
# from a small Python 3.11 service (examples/).
demo: all
	@echo "== heapscope info examples/meliae-py311-service.json.gz"
	@$(BUILD)/bin/heapscope info examples/meliae-py311-service.json.gz
	@echo
	@echo "== heapscope summary examples/meliae-py311-service.json.gz"
	@$(BUILD)/bin/heapscope summary examples/meliae-py311-service.json.gz
