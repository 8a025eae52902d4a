#!/bin/bash
# Every GoogleTest binary's tests, as the build listed them for ctest
# (gtest_discover_tests: <target>[1]_tests.cmake), are all the tests the
# binary has. The listing obeys GTEST_FILTER and other GTEST_* variables in
# the build's environment, and a shorter list makes ctest run fewer tests
# and still pass; this test makes that loud.
#   discovery_complete.sh BUILD_DIR
set -euo pipefail
build="$1"
for v in $(compgen -e); do [[ $v != GTEST_* ]] || unset "$v"; done
found=0 bad=0
while IFS= read -r -d '' listing; do
  target=$(basename "$listing")
  target=${target%"[1]_tests.cmake"}
  bin="$build/bin/$target"
  [ -x "$bin" ] || { echo "FAIL: $listing names $target, but $bin is not there"; bad=1; continue; }
  listed=$(grep -c '^add_test(' "$listing" || true)
  # --gtest_list_tests: "Suite." lines, then one indented line per test.
  has=$("$bin" --gtest_list_tests | grep -c '^  ' || true)
  found=$((found + 1))
  if [ "$listed" -ne "$has" ]; then
    echo "FAIL: ctest lists $listed of $target's $has tests ($listing); rebuild it without GTEST_* set"
    bad=1
  fi
done < <(find "$build" -name '*\[1\]_tests.cmake' -print0)
[ "$found" -gt 0 ] || { echo "FAIL: no test listing (*[1]_tests.cmake) under $build"; exit 1; }
[ "$bad" -eq 0 ] || exit 1
echo "ok: $found test binaries, every test listed for ctest"
