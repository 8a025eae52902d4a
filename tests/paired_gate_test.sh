#!/usr/bin/env bash
# `./run_all.sh gate` as a user calls it, on a tiny filter and this build's
# binaries for both sides (MASKBENCH_GATE_CURRENT_BIN, MASKBENCH_GATE_BASE_BIN:
# no build, no worktree):
#   - bad options, a ref that names no commit and a directory outside a git
#     checkout are refused with exit status 2 and one line;
#   - a gate writes the directory the analysis reads (samples per side, round
#     and chunk; gate-run.json with the seed and the order; conformance.json;
#     the verdict files), leaves no INCOMPLETE and no temporary file, and
#     exits with the analysis's status (0 or 1);
#   - the same seed replays the same order;
#   - a benchmark the base binary does not have runs on the current side only;
#   - SIGINT during the rounds leaves INCOMPLETE, exit status 130, no child.
#   paired_gate_test.sh REPOSITORY BUILD_DIR
# Only the Shrink conformance tests run, to keep it short.
set -euo pipefail
repo="$1" build="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "paired_gate_test: $*" >&2
  [ -f "$tmp/run.log" ] && tail -n 30 "$tmp/run.log" >&2
  exit 1
}
export GTEST_FILTER='Shrink.*' MASKBENCH_GATE_CURRENT_BIN="$build/bin" MASKBENCH_GATE_BASE_BIN="$build/bin"
select='^cond/select/(scalar|sse42)/n:[0-9]+$'

# refused ARGS...: exit status 2 and exactly one line on stderr, before any work.
refused() {
  local rc=0 err
  "$repo/run_all.sh" gate "$@" --out "$tmp/refused" >/dev/null 2>"$tmp/err" || rc=$?
  err=$(cat "$tmp/err")
  [ $rc -eq 2 ] || fail "gate $*: exit status $rc, expected 2 ($err)"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "gate $*: expected one line, got: $err"
  ! LC_ALL=C grep -q '[[:cntrl:]]' "$tmp/err" || fail "gate: a control character of the arguments reached the terminal: ${err//[[:cntrl:]]/?}"
  [ ! -e "$tmp/refused" ] || fail "gate $*: created its output directory before refusing"
  echo "refused: gate $* -> $err"
}
refused no-such-ref-for-the-gate-test
refused HEAD --threshold 5x
refused HEAD --threshold 0
refused HEAD --threshold 2000%
refused HEAD --alpha 0.9
refused HEAD --rounds 1
refused HEAD --rounds three
refused HEAD --rounds 4 --max-rounds 3
refused HEAD --budget -5
refused HEAD --seed 1.5
refused HEAD --filter '('
refused HEAD --no-such-option
refused HEAD --rounds
refused HEAD --rounds $'3\e[2J'
refused HEAD $'--filter\n' x
refused --quick

nogit="$tmp/not-a-checkout"
mkdir -p "$nogit/scripts"
cp "$repo/run_all.sh" "$nogit/"
cp "$repo/scripts/paired_gate.sh" "$nogit/scripts/"
rc=0
GIT_CEILING_DIRECTORIES="$tmp" "$nogit/run_all.sh" gate HEAD --out "$tmp/refused" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "not a git checkout" "$tmp/err" || fail "outside a git checkout: exit $rc, $(cat "$tmp/err")"

# gate OUT SEED ARGS...: a gate of HEAD against HEAD on the filter.
gate() {
  local out="$1" seed="$2" rc=0
  shift 2
  "$repo/run_all.sh" gate HEAD --filter "$select" --quick --seed "$seed" --out "$out" "$@" \
    >"$tmp/run.out" 2>"$tmp/run.log" || rc=$?
  [ $rc -le 1 ] || fail "gate --seed $seed: exit status $rc, expected 0 or 1"
}
order_of() { grep -o '"order":\[[^]]*\]' "$1/gate-run.json"; }

gate "$tmp/g1" 7 --rounds 2 --max-rounds 2
for f in gate-run.json conformance.json verdict.json gate.md gate.html undecided.txt undecided.filter; do
  [ -f "$tmp/g1/$f" ] || fail "g1/$f is missing"
done
[ ! -e "$tmp/g1/INCOMPLETE" ] || fail "a finished gate left INCOMPLETE: $(cat "$tmp/g1/INCOMPLETE")"
[ -z "$(find "$tmp/g1" -name '*.tmp')" ] || fail "temporary files left: $(find "$tmp/g1" -name '*.tmp')"
grep -q '"schema":"maskbench-gate-run/1"' "$tmp/g1/gate-run.json" || fail "gate-run.json has no schema"
grep -q '"seed":7,' "$tmp/g1/gate-run.json" || fail "gate-run.json does not record the seed"
for side in base current; do
  for r in 001 002; do
    s="$tmp/g1/samples/$side-r$r-c001.json"
    [ -s "$s" ] || fail "$s is missing"
    grep -q '"run_type": "iteration"' "$s" || fail "$s holds no repetition"
    ! grep -o '"run_name": "[^"]*"' "$s" | grep -vqE "\"run_name\": \"${select:1:-1}\"" || fail "$s holds a benchmark outside the filter"
  done
done
[ "$(find "$tmp/g1/samples" -name '*.json' | wc -l)" -eq 4 ] || fail "expected 4 sample files: $(ls "$tmp/g1/samples")"
order=$(order_of "$tmp/g1")
[[ "$order" =~ \"round\":1,\"chunk\":1,\"first\":\"(base|current)\".*\"round\":2,\"chunk\":1 ]] ||
  fail "gate-run.json does not record the order of rounds 1 and 2: $order"
grep -q "seed 7 (--seed 7 replays the order)" "$tmp/run.log" || fail "the seed is not printed"

gate "$tmp/g2" 7 --rounds 2 --max-rounds 2
[ "$order" = "$(order_of "$tmp/g2")" ] || fail "--seed 7 did not replay the order: $order, then $(order_of "$tmp/g2")"

# A base binary that lacks the sse42 benchmarks: it lists and runs only the
# scalar ones.
mkdir -p "$tmp/oldbase"
cat > "$tmp/oldbase/maskbench-bench" <<EOF
#!/usr/bin/env bash
exec "$build/bin/maskbench-bench" "\$@" --benchmark_filter='^cond/select/scalar/n:[0-9]+\$'
EOF
chmod +x "$tmp/oldbase/maskbench-bench"
MASKBENCH_GATE_BASE_BIN="$tmp/oldbase" gate "$tmp/g3" 8 --rounds 2 --max-rounds 2
only=$(grep -cvxFf "$tmp/g3/benchmarks-base.txt" "$tmp/g3/benchmarks-current.txt" || true)
[ "$only" -eq 2 ] || fail "expected 2 benchmarks only in the current tree, found $only"
! grep -q '"run_name": "cond/select/sse42/' "$tmp/g3/samples/base-r001-c001.json" || fail "the base ran a benchmark it does not have"
grep -q '"run_name": "cond/select/sse42/' "$tmp/g3/samples/current-r001-c001.json" || fail "the current side did not run its own benchmarks"

# Interrupted during the rounds.
set -m
"$repo/run_all.sh" gate HEAD --filter '^cond/' --quick --rounds 50 --seed 9 --out "$tmp/g4" >"$tmp/run.out" 2>"$tmp/run.log" &
pid=$!
for _ in $(seq 1 1200); do
  compgen -G "$tmp/g4/samples/*.json" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || fail "the gate ended before its rounds"
  sleep 0.1
done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ $rc -eq 130 ] || fail "exit status $rc after SIGINT, expected 130"
why=$(cat "$tmp/g4/INCOMPLETE" 2>/dev/null) || fail "no INCOMPLETE after SIGINT"
[[ "$why" == "interrupted by SIGINT during benchmark rounds"*"missing: "*verdict.json* ]] || fail "INCOMPLETE says '$why'"
[ -z "$(find "$tmp/g4" -name '*.tmp')" ] || fail "temporary files left: $(find "$tmp/g4" -name '*.tmp')"
! pgrep -f -- "--benchmark_out=$tmp/g4/" >/dev/null || fail "a benchmark binary still runs after the gate exited"
echo "paired_gate_test: refusals, layout, replay, one-sided benchmarks and SIGINT as expected"
