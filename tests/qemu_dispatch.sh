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
  needs=$(echo "$info" | awk -v level="$level" '$2 == "yes" && index("," $3 ",", "," level ",") { print $1 }')
  [ -n "$needs" ] || { echo "FAIL: under -cpu $cpu no runnable row needs $level"; exit 1; }
  skipped=$(echo "$info" | awk '$2 == "skipped" { print $1 }')
  # Test names end in the row's name with '-' as '_' (Impl/Cond.Select/avx2).
  filter=(--gtest_filter="$(printf '*/%s:' $(echo $needs $skipped | tr '-' '_'))")
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
echo "PASS: no illegal instruction under -cpu $cpu; unsupported levels skipped with reasons"
