#!/bin/sh
# Install the Debian packages heapscope needs to build and test, if missing.
# Called by `make deps`, `make test`, `make demo` and .ci/run so that a
# fresh Debian 12 machine needs nothing but this repository; `make` and
# `make install` never install packages. Does nothing when everything is
# present.
set -e
need=""
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
for p in build-essential cmake pkg-config zlib1g-dev libbz2-dev libzstd-dev \
         zstd bzip2 gzip python3 python3-dev python3-pytest python3-setuptools \
         graphviz libedit-dev libsqlite3-dev gdb tmux chromium; do
    have "$p" || need="$need $p"
done
# valgrind: the dumper's tests under it (scripts/valgrind-dumper.sh).
have valgrind || need="$need valgrind"
# The libraries the leak scenarios run on (tests/scenarios/README.md), for
# Debian's /usr/bin/python3 (python3-flask brings blinker and jinja2).
for p in python3-sqlalchemy python3-flask python3-blinker python3-jinja2 \
         python3-tornado python3-aiohttp python3-twisted python3-requests; do
    have "$p" || need="$need $p"
done
# `deps.sh fuzz`: clang and its libFuzzer runtime, for `make fuzz` only.
if [ "${1:-}" = fuzz ]; then
    for p in clang libclang-rt-14-dev; do have "$p" || need="$need $p"; done
fi
[ -z "$need" ] && exit 0
echo "heapscope: installing:$need" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $need >&2
