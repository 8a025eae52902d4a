#!/usr/bin/env bash
# Proves that dispatch never executes an instruction the CPU lacks: runs
# `maskbench info` and the conformance binary under qemu-user as an older CPU.
# A SIGILL (or any crash) fails; implementations needing missing features must
# be skipped with the reason; the rest must pass.
#   qemu_dispatch.sh QEMU_CPU MASKBENCH CONFORMANCE [LEVEL]
# With LEVEL (a feature name of `maskbench info`), conformance runs only the
# rows that need LEVEL and the rows this CPU must skip: the rows below LEVEL
# are the same code that the run as the older CPU proves, and running them
# again under emulation took most of this test's 17 minutes on the Xeon VM.
# Exit 77 (ctest SKIP) when qemu-x86_64 is not installed.
set -u
cpu="$1" maskbench="$2" conformance="$3" level="${4:-}"
if ! command -v qemu-x86_64 >/dev/null 2>&1; then
  echo "SKIP: qemu-x86_64 is not installed (Debian package qemu-user); cannot emulate -cpu $cpu"
  exit 77
fi
qemu=(qemu-x86_64 -cpu "$cpu")
info=$("${qemu[@]}" "$maskbench" info 2>&1)
rc=$?
echo "$info"
[ $rc -eq 0 ] || { echo "FAIL: maskbench info under -cpu $cpu exited $rc"; exit 1; }
case "$cpu" in
  Haswell) expect_skipped='^(autovec-avx512|avx512|stdsimd-avx512|avx512-vbmi2|avx512-bf16) +skipped' ;;
  Nehalem) expect_skipped='^(autovec-avx2|avx2|stdsimd-avx2|autovec-avx512|avx512|stdsimd-avx512|avx512-vbmi2|avx512-bf16) +skipped' ;;
  *) expect_skipped='^$' ;;
esac
if echo "$info" | grep -E '^(scalar|avx512-emu) ' | grep -q skipped; then
  echo "FAIL: scalar or avx512-emu reported as not runnable under -cpu $cpu"; exit 1
fi
bad=$(echo "$info" | grep -E '^[a-z0-9-]+ +yes ' | grep -E "${expect_skipped/ +skipped/ +yes}" || true)
[ -z "$bad" ] || { echo "FAIL: under -cpu $cpu these claim to run: $bad"; exit 1; }
filter=()
if [ -n "$level" ]; then
  # The rows' test suffixes (Impl/Cond.Select/avx2) from info.json, which
  # spells them as the tests do.
  suffixes=$("${qemu[@]}" "$maskbench" info --json | python3 -c '
import json, sys
level = sys.argv[1]
rows = json.load(sys.stdin)["implementations"]
needs = [r["test_suffix"] for r in rows if r["runnable"] and level in r["requires"].split(",")]
if not needs:
    sys.exit(1)
print(":".join("*/" + s for s in needs + [r["test_suffix"] for r in rows if not r["runnable"]]))
' "$level") || { echo "FAIL: under -cpu $cpu no runnable row needs $level (or info --json failed)"; exit 1; }
  filter=(--gtest_filter="$suffixes")
  echo "conformance of the rows that need $level or are skipped: ${filter[0]}"
fi
# The conformance run under emulation: MASKBENCH_CONFORMANCE_LEVEL=smoke keeps
# the large sizes and fuzz rounds small, since qemu is ~20x slower.
out=$(MASKBENCH_CONFORMANCE_LEVEL=smoke "${qemu[@]}" "$conformance" --gtest_brief=1 "${filter[@]}" 2>&1)
rc=$?
echo "$out" | tail -n 30
if [ $rc -ge 128 ] || echo "$out" | grep -q "uncaught target signal"; then
  echo "FAIL: the conformance binary died under -cpu $cpu (signal $((rc - 128)))"; exit 1
fi
[ $rc -eq 0 ] || { echo "FAIL: conformance failed under -cpu $cpu"; exit 1; }
# A filter that matched nothing would pass without proving anything.
echo "$out" | grep -qE '^\[==========\] [1-9][0-9]* tests? from' || { echo "FAIL: no conformance test ran under -cpu $cpu"; exit 1; }
echo "PASS: no illegal instruction under -cpu $cpu; unsupported levels skipped with reasons"
