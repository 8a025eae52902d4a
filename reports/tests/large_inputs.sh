#!/usr/bin/env bash
# Cost at scale: one command of the CLI on the directories that
# make_large_results wrote (10,000 benchmarks, tests and registry entries per
# directory; 100,000 repetitions of one benchmark). No timing is asserted:
# ctest's TIMEOUT on this test is the guard, generous for n log n on a loaded
# 2-core machine and hours short of the quadratic and cubic costs these
# inputs used to take. The output is checked for what each command must say.
#   large_inputs.sh MASKBENCH DIR report|compare|gate|gate-repetitions|summary
set -u
mb="$1"
dir="$2"
what="$3"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The generated bench.json files are 10 to 20 MB: within any default cap, but
# the test is about cost, not caps.
export MASKBENCH_MAX_INPUT_MIB=1024

# run WANT_RC COMMAND...: the command's exit status must be WANT_RC; its
# stdout is in $out/stdout.
run() {
  local want="$1"
  shift
  "$mb" "$@" >"$out/stdout" 2>"$out/stderr"
  local rc=$?
  if [ $rc -ne "$want" ]; then
    echo "FAIL maskbench $*: exit $rc, expected $want"
    head -c 2000 "$out/stderr"
    exit 1
  fi
}

# expect FILE TEXT: FILE holds TEXT.
expect() {
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL $what: $1 lacks '$2'"
    head -c 2000 "$1"
    exit 1
  fi
}

case "$what" in
  report)
    run 0 report "$dir/a" -o "$out/report.html"
    expect "$out/report.html" "10000 benchmarks measured, 0 skipped"
    expect "$out/report.html" "w2400 (INVALID: fails conformance)"
    expect "$out/report.html" "<th>Suite9999.Case9999</th>"
    ;;
  compare)
    run 0 compare "$dir/a" "$dir/b" "$dir/c" -o "$out/compare.html"
    expect "$out/stdout" "wide/kernel/w2499/n:3499/k:2499"
    expect "$out/compare.html" "Geometric mean per implementation"
    ;;
  gate)
    run 1 gate "$dir/a" "$dir/b" --markdown "$out/gate.md"
    expect "$out/stdout" "FAIL: 10000 compared"
    expect "$out/stdout" "CONFORMANCE  w2400 fails Suite2400.Case2400"
    expect "$out/gate.md" "10000 benchmarks compared"
    ;;
  gate-repetitions)
    run 1 gate "$dir/reps-base" "$dir/reps-cur" --markdown "$out/gate.md"
    expect "$out/stdout" "REGRESSION"
    expect "$out/stdout" "(normal approximation)"
    expect "$out/gate.md" "(normal approximation)"
    ;;
  summary)
    run 0 summary "$dir/a"
    expect "$out/stdout" "conformance (full level): 9975 passed, 25 failed"
    expect "$out/stdout" "benchmarks: 10000 run, 0 skipped"
    ;;
  *)
    echo "unknown command '$what'"
    exit 2
    ;;
esac
echo "ok $what"
