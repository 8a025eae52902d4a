#!/usr/bin/env bash
# Proves that detection checks each extension on its own: under qemu-user as a
# CPU model with exactly one flag removed (-cpu MODEL,-FLAG), the
# implementations whose level needs it are skipped with a reason naming what
# is missing, every other one runs as on MODEL itself, and the MaskOps
# conformance (which uses lzcnt, bmi and the rest through the masks) passes.
#   qemu_one_extension.sh QEMU_CPU "MISSING" LEVEL MASKBENCH CONFORMANCE
# MISSING: what detection must find missing, in maskbench's names (several
# where one qemu flag clears several bits, e.g. -xsave); LEVEL: the level they
# belong to, by the x86-64 psABI. Exit 77 (ctest SKIP) without qemu-x86_64.
set -u
cpu="$1" missing="$2" level="$3" maskbench="$4" conformance="$5"
model="${cpu%%,*}"
if ! command -v qemu-x86_64 >/dev/null 2>&1; then
  echo "SKIP: qemu-x86_64 is not installed (Debian package qemu-user); cannot emulate -cpu $cpu"
  exit 77
fi
fail() { echo "FAIL under -cpu $cpu: $*"; exit 1; }
# qemu warns on stderr about model features TCG lacks; only stdout is the table.
base=$(qemu-x86_64 -cpu "$model" "$maskbench" info 2>/dev/null) || fail "maskbench info under -cpu $model exited $?"
info=$(qemu-x86_64 -cpu "$cpu" "$maskbench" info 2>/dev/null) || fail "maskbench info exited $?"
echo "$info"

names_all() {  # does the reason "needs a, b, which this CPU lacks" name every missing one?
  local e
  for e in $missing; do [[ "$1" =~ (needs |, )$e(,|$) ]] || return 1; done
}
needing=0
while read -r name runs req reason; do
  if [[ ",$req," == *",$level,"* ]]; then
    needing=$((needing + 1))
    [ "$runs" = skipped ] || fail "$name needs $level but claims to run"
    names_all "$reason" || fail "$name: the reason '$reason' does not name: $missing"
  else
    was=$(echo "$base" | awk -v n="$name" '$1 == n { print $2 }')
    [ "$runs" = "$was" ] || fail "$name does not need $level, yet runs '$runs' here and '$was' on $model"
  fi
done < <(echo "$info" | awk '$2 == "yes" || $2 == "skipped"')
[ "$needing" -gt 0 ] || fail "no implementation needs $level; the case proves nothing"
echo "$info" | grep -Eq "^feature +$level +no .*\(lacks $missing\)\$" ||
  fail "the $level feature line does not say it lacks exactly: $missing"

# Only the MaskOps family under emulation: qemu is ~20x slower.
out=$(MASKBENCH_CONFORMANCE_LEVEL=smoke qemu-x86_64 -cpu "$cpu" "$conformance" --gtest_filter='*MaskOps*' 2>&1)
rc=$?
echo "$out" | grep -E '^skipped: needs|FAILED|Failure' | sort | uniq -c | head -n 40
echo "$out" | tail -n 3
if [ $rc -ge 128 ] || echo "$out" | grep -q "uncaught target signal"; then
  fail "the conformance binary died (signal $((rc - 128)))"
fi
[ $rc -eq 0 ] || fail "MaskOps conformance failed"
skips=$(echo "$out" | grep -E '^skipped: needs' || true)
[ -n "$skips" ] || fail "conformance skipped nothing for the missing $missing"
while read -r line; do
  names_all "${line%, which this CPU lacks}" || fail "conformance skip '$line' does not name: $missing"
done <<<"$skips"
echo "PASS: without $missing ($level), exactly the implementations needing $level are skipped, naming it; the rest run"
