#!/usr/bin/env bash
# Interrupts a real ./run_all.sh run during its benchmarks (SIGINT, as Ctrl-C
# sends) and checks what the interruption leaves:
#   - exit status 130, the benchmark binary stopped, no temporary files;
#   - the run's directory holds INCOMPLETE saying why and naming bench.json;
#   - an earlier results directory is untouched;
#   - summary, report, compare and gate (those this build has) refuse the
#     directory with exit status 2.
#   interrupt_test.sh REPOSITORY BUILD_DIR
# The run uses BUILD_DIR as it is (MASKBENCH_BUILD_DIR: cmake and make are
# no-ops there) and only the Shrink conformance tests, to reach the
# benchmarks quickly.
set -euo pipefail
repo="$1" build="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "interrupt_test: $*" >&2
  [ -f "$tmp/run.log" ] && tail -n 30 "$tmp/run.log" >&2
  exit 1
}
fingerprint() { (cd "$1" && find . -type f -exec md5sum {} + | sort && ls -l --time-style=full-iso); }

earlier="$tmp/earlier"
mkdir -p "$earlier"
"$build/bin/maskbench" info --json >"$earlier/info.json"
echo '{"benchmarks": []}' >"$earlier/bench.json"
before=$(fingerprint "$earlier")

out="$tmp/run"
# Job control: a background job of a script otherwise starts with SIGINT
# ignored, and bash cannot trap a signal ignored at its start.
set -m
GTEST_FILTER='Shrink.*' MASKBENCH_BUILD_DIR="$build" "$repo/run_all.sh" --quick --filter 'cond/' --out "$out" \
  >"$tmp/run.out" 2>"$tmp/run.log" &
pid=$!
for _ in $(seq 1 4800); do
  grep -q "running benchmarks" "$tmp/run.log" && compgen -G "$out/.bench.log.*" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || fail "run_all.sh ended before its benchmarks started"
  sleep 0.1
done
compgen -G "$out/.bench.log.*" >/dev/null || { kill -TERM "$pid"; fail "the benchmarks did not start within 8 minutes"; }
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?

[ $rc -eq 130 ] || fail "exit status $rc after SIGINT, expected 130"
[ -f "$out/INCOMPLETE" ] || fail "$out holds no INCOMPLETE"
why=$(cat "$out/INCOMPLETE")
[[ "$why" == "interrupted by SIGINT during benchmarks; missing: "*bench.json* ]] ||
  fail "INCOMPLETE says '$why', expected 'interrupted by SIGINT during benchmarks; missing: ...bench.json...'"
[ ! -e "$out/bench.json" ] || fail "bench.json exists after an interrupted benchmark run"
for f in info.json conformance.json conformance.xml conformance.log; do
  [ -s "$out/$f" ] || fail "$f, written before the interruption, is missing"
done
# Temporaries are hidden files beside their targets (run_all.sh's make_temp).
[ -z "$(find "$out" -mindepth 1 -name '.*' -printf '%f ')" ] ||
  fail "temporary files left: $(find "$out" -mindepth 1 -name '.*' -printf '%f ')"
! pgrep -f -- "--benchmark_out=$out/" >/dev/null || fail "the benchmark binary still runs after run_all.sh exited"
[ "$before" = "$(fingerprint "$earlier")" ] || fail "the earlier results directory changed"

commands=$("$build/bin/maskbench" --help)
for cmd in "summary $out" "report $out -o $tmp/report.html" "compare $out $earlier" "gate $out $earlier"; do
  grep -q "^  ${cmd%% *} " <<<"$commands" || continue
  rc=0
  msg=$("$build/bin/maskbench" $cmd 2>&1) || rc=$?
  [ $rc -eq 2 ] || fail "maskbench $cmd: exit status $rc, expected 2 ($msg)"
  [[ "$msg" == *"did not finish (interrupted by SIGINT during benchmarks"* ]] ||
    fail "maskbench $cmd: '$msg' does not give the reason"
  echo "maskbench ${cmd%% *} refuses it: $msg"
done
echo "interrupt_test: exit status 130, INCOMPLETE: $why"
