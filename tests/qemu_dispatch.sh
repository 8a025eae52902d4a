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
# What each CPU model has, as feature levels (the names `maskbench info`
# and info.json's "requires" use): a row runs exactly when the model has
# every level it requires, and is skipped otherwise. Rows are never named
# here; info.json lists them, from the registry.
case "$cpu" in
  Haswell) has=sse42,avx2 ;;
  Nehalem) has=sse42 ;;
  *) echo "FAIL: no list of the feature levels -cpu $cpu has (tests/qemu_dispatch.sh)"; exit 1 ;;
esac
# info.json's runnability checked against that, and with LEVEL the
# conformance filter: the rows that need LEVEL and the rows skipped, by the
# test suffix info.json gives (Impl/Cond.Select/avx2).
checked=$("${qemu[@]}" "$maskbench" info --json | python3 -c '
import json, sys
has, level = set(sys.argv[1].split(",")), sys.argv[2]
rows = json.load(sys.stdin)["implementations"]
needs = lambda r: [f for f in r["requires"].split(",") if f != "none"]
wrong = [r["name"] + " (requires " + r["requires"] + ") runnable=" + str(r["runnable"]) for r in rows
         if r["runnable"] != has.issuperset(needs(r))]
if wrong:
    sys.exit("FAIL: info.json disagrees with the levels the CPU has (" + sys.argv[1] + "): " + "; ".join(wrong))
if level:
    chosen = [r["test_suffix"] for r in rows if r["runnable"] and level in needs(r)]
    if not chosen:
        sys.exit("FAIL: no runnable row needs " + level)
    print(":".join("*/" + s for s in chosen + [r["test_suffix"] for r in rows if not r["runnable"]]))
' "$has" "$level") || { echo "FAIL: info.json under -cpu $cpu (the line above says why)"; exit 1; }
filter=()
if [ -n "$level" ]; then
  filter=(--gtest_filter="$checked")
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
