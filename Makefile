# heapscope: a thin wrapper over CMake. `make` builds and `make install`
# installs; neither installs system packages (a missing library is
# CMake's error, naming the Debian package). `make deps`, and the
# README's `make test` and `make demo`, install what is missing on a
# fresh Debian 12 machine first (scripts/deps.sh).
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
PREFIX ?= /usr/local

.PHONY: all deps configure test install asan tsan clean bench demo sdist

all: configure
	cmake --build $(BUILD) -j$(JOBS)

# FUZZ=1 adds clang and its libFuzzer runtime, for `make fuzz`.
deps:
	@sh scripts/deps.sh $(if $(FUZZ),fuzz)

configure:
	@test -f $(BUILD)/CMakeCache.txt || \
	    cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

test: deps
	@$(MAKE) --no-print-directory all
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The program, libheapscope.so, heapscope.h and heapscope.pc, the man page
# and bash completion, and the Python dumper for `dump --pid` (built now
# for /usr/bin/python3; python/CMakeLists.txt).
install: all
	cmake --install $(BUILD)

# The source distribution for pip (dist/heapscope-VERSION.tar.gz): what
# `pip install .` builds from, made by the build backend itself, since
# `python -m build` is no Debian 12 package.
sdist:
	@mkdir -p dist
	python3 -c 'import sys; sys.path.insert(0, "python/backend"); \
	    import heapscope_backend as b; print("dist/" + b.build_sdist("dist"))'

# The whole test suite under AddressSanitizer and UBSan, in its own tree.
# The Python suites that only run the CLI run against its ASan build; the
# dumper's own tests run under valgrind in `make test` instead, and the
# install suites (pip, `make install`), which build without sanitizers,
# in `make test` only. The benchmarks' smoke runs (label bench) are left
# out: under sanitizers they would be slow and measure nothing.
asan: export ASAN_OPTIONS = detect_leaks=1
asan:
	@test -f build-asan/CMakeCache.txt || cmake -S . -B build-asan \
	    -DCMAKE_BUILD_TYPE=Debug -DHS_SANITIZE="address;undefined" -DHS_WERROR=ON
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest --output-on-failure -j$(JOBS) -LE 'python|bench'
	cd build-asan && ctest --output-on-failure -j$(JOBS) -L python \
	    -LE valgrind -E '^python\.(dumper|pip_install|install)$$'

# The parallel loader and the background snapshot writer under
# ThreadSanitizer: the unit tests that run threads (test_threads loads a
# 1.2 M-record dump on 1 to 3 threads and writes its index in the
# background; test_parallel, test_snapshot, test_graph, test_addrindex,
# test_rewrite: the in-place rewrite's ranges on 2 and 3 threads).
# The rest are single-threaded and 10x slower under TSan.
tsan:
	@test -f build-tsan/CMakeCache.txt || cmake -S . -B build-tsan \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHS_SANITIZE=thread -DHS_WERROR=ON
	cmake --build build-tsan -j$(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	    ctest --output-on-failure -j$(JOBS) \
	    -R '^unit\.test_(threads|parallel|snapshot|graph|addrindex|rewrite)$$'

bench: all
	bash bench/run.sh

clean:
	rm -rf $(BUILD) build-asan build-tsan

# The whole story on a built-in example: a small leaking service
# (examples/leaky_service.py) runs under heapscope's dumper, built for
# /usr/bin/python3, dumps its heap three times, and `heapscope leaks`
# names the leak.
DEMO_DIR ?= $(BUILD)/demo
demo: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(DEMO_DIR)
	@echo "== building the dumper for /usr/bin/python3"
	@sh scripts/build-python.sh /usr/bin/python3 > $(DEMO_DIR)/pythonpath
	@echo "== /usr/bin/python3 -X tracemalloc examples/leaky_service.py $(DEMO_DIR)"
	@PYTHONPATH=$$(tail -n 1 $(DEMO_DIR)/pythonpath) \
	    /usr/bin/python3 -X tracemalloc examples/leaky_service.py $(DEMO_DIR)
	@echo
	@echo "== heapscope leaks $(DEMO_DIR)/mem-1.json $(DEMO_DIR)/mem-2.json $(DEMO_DIR)/mem-3.json"
	@$(BUILD)/bin/heapscope leaks --top 2 $(DEMO_DIR)/mem-1.json \
	    $(DEMO_DIR)/mem-2.json $(DEMO_DIR)/mem-3.json
	@echo
	@echo "== heapscope report $(DEMO_DIR)/mem-*.json -o $(DEMO_DIR)/report.html"
	@$(BUILD)/bin/heapscope report $(DEMO_DIR)/mem-1.json \
	    $(DEMO_DIR)/mem-2.json $(DEMO_DIR)/mem-3.json -o $(DEMO_DIR)/report.html
	@echo "open $(DEMO_DIR)/report.html in a browser: suspects, growth chart, top retainers"

# The libFuzzer targets (tests/fuzz), built with clang, ASan and UBSan in
# build-fuzz. FUZZ_TIME=900 also runs each in turn for that many seconds
# (scripts/fuzz.sh: one fuzzer process at a time).
.PHONY: fuzz
FUZZ_TIME ?= 0
fuzz:
	@test -f build-fuzz/CMakeCache.txt || CC=clang cmake -S . -B build-fuzz \
	    -DHS_BUILD_FUZZERS=ON -DHS_BUILD_TESTS=OFF -DHS_WERROR=ON \
	    -DHS_SANITIZE="address;undefined"
	cmake --build build-fuzz -j$(JOBS) --target fuzz_line fuzz_load fuzz_diff \
	    fuzz_index fuzz_html fuzz_tree
	@test "$(FUZZ_TIME)" = 0 || bash scripts/fuzz.sh $(FUZZ_TIME)
