#!/usr/bin/env bash
# `cmake --install` into a fresh prefix, then the consumer (tests/install/)
# built against that prefix alone, once with CMake's find_package and once
# with pkg-config and the compiler, and run. Fails on any missing file,
# header, export or library.
#   install_test.sh SOURCE_DIR BUILD_DIR CXX [CXXFLAGS]
# CXXFLAGS: the sanitizer flags of a sanitizer build, whose libraries need
# the sanitizer runtime in the program.
set -u
src="$1" build="$2" cxx="$3" flags="${4:-}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
find "$prefix" -type f | sed "s|^$prefix/||" | sort

cmake -S "$src/tests/install" -B "$tmp/with-cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" > "$tmp/configure.log" 2>&1 \
  || { cat "$tmp/configure.log"; fail "find_package(maskbench) against the installed prefix"; }
cmake --build "$tmp/with-cmake" || fail "the consumer does not build with find_package(maskbench)"
"$tmp/with-cmake/consumer" "$tmp/cmake.safetensors" || fail "the consumer built with find_package(maskbench)"

pc() { PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$(dirname "$(find "$prefix" -name maskbench.pc)")" pkg-config "$@" maskbench; }
pc --exists || fail "pkg-config does not find maskbench.pc in $prefix"
# shellcheck disable=SC2046,SC2086  # the flags are words
"$cxx" -std=c++20 $flags "$src/tests/install/consumer.cpp" $(pc --cflags) $(pc --libs) -o "$tmp/consumer-pc" \
  || fail "the consumer does not build with pkg-config's flags"
LD_LIBRARY_PATH="$(pc --variable=libdir)" "$tmp/consumer-pc" "$tmp/pc.safetensors" || fail "the consumer built with pkg-config"
echo "PASS: installed, found by find_package and by pkg-config, and used"
