#!/usr/bin/env bash
# `maskbench paired` on damaged gate directories: each must end in exit 2
# with one line naming the file and JSON path; a missing side of a round and
# a benchmark on one side only are listed, not errors.
#   paired_bad_input.sh MASKBENCH
set -u
mb="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

# sample FILE TIME [NAME]: a Google Benchmark file with one iteration row.
sample() {
  printf '{"context":{"host_name":"vm"},"benchmarks":[{"name":"%s","run_type":"iteration","cpu_time":%s,"time_unit":"ns"}]}' \
    "${3:-cond/select/avx2/n:64}" "$2" >"$1"
}
# good DIR: 8 rounds of one benchmark, both sides.
good() {
  rm -rf "$1"; mkdir -p "$1/samples"
  echo '{"schema":"maskbench-gate-run/1","base_commit":"a","current_commit":"b","threshold":0.05,"alpha":0.05}' >"$1/gate-run.json"
  echo '{"testsuites":[]}' >"$1/conformance.json"
  for r in 1 2 3 4 5 6 7 8; do sample "$1/samples/base-r00$r-c001.json" 100; sample "$1/samples/current-r00$r-c001.json" 101; done
  echo "$1"
}
expect() {
  local what="$1" want_rc="$2" want="$3"
  shift 3
  local out rc
  out="$("$mb" paired "$@" 2>&1 >/dev/null)"
  rc=$?
  if [ $rc -ne "$want_rc" ] || ! grep -qF -- "$want" <<<"$out" || [ "$(wc -l <<<"$out")" -gt 1 ]; then
    echo "FAIL $what: exit $rc (expected $want_rc), stderr: $out"
    failures=$((failures + 1))
  else
    echo "ok   $what: $out"
  fi
}

expect "missing directory" 2 "$work/nowhere: not a gate directory" "$work/nowhere"
d=$(good "$work/nosamples"); rm -r "$d/samples"
expect "no samples directory" 2 "samples: missing" "$d"
d=$(good "$work/norun"); rm "$d/gate-run.json"
expect "no gate-run.json" 2 "gate-run.json: does not exist" "$d"
d=$(good "$work/schema"); echo '{"schema":"x"}' >"$d/gate-run.json"
expect "gate-run.json of another schema" 2 '$.schema is not' "$d"
d=$(good "$work/zero"); sample "$d/samples/current-r003-c001.json" 0
expect "zero time" 2 "current-r003-c001.json: benchmarks[0].cpu_time is 0" "$d"
d=$(good "$work/nan"); sample "$d/samples/base-r002-c001.json" NaN
expect "NaN time" 2 "base-r002-c001.json: benchmarks[0].cpu_time is NaN" "$d"
d=$(good "$work/trunc"); head -c 30 "$d/samples/base-r001-c001.json" >"$d/samples/base-r002-c001.json"
expect "truncated sample" 2 "base-r002-c001.json: not valid JSON" "$d"
d=$(good "$work/stray"); : >"$d/samples/notes.txt"
expect "stray file" 2 "notes.txt: unexpected file name" "$d"
d=$(good "$work/dup"); cp "$d/samples/base-r001-c001.json" "$d/samples/base-r1-c1.json"
expect "same round twice" 2 "the same side, round and chunk" "$d"
d=$(good "$work/ctl"); sample "$d/samples/base-r001-c001.json" 100 'a\u001b[31m'
expect "control character in a name" 2 "benchmarks[0].name contains a control character" "$d"
d=$(good "$work/version"); sed -i 's|"context":{|"context":{"maskbench_schema":"maskbench-bench/9",|' "$d/samples/current-r002-c001.json"
expect "sample of a newer schema version" 2 'current-r002-c001.json: context.maskbench_schema is "maskbench-bench/9", expected "maskbench-bench/1"' "$d"
d=$(good "$work/tagged"); sed -i 's|"context":{|"context":{"maskbench_schema":"maskbench-bench/1",|' "$d"/samples/current-*.json
expect "current side tagged, base side written before the tag" 0 "" "$d" --look 1 --max-looks 1
d=$(good "$work/badname"); sample "$d/samples/base-r001-c001.json" 100 'cond/select/avx2/n'
expect "malformed benchmark name" 2 "base-r001-c001.json: benchmarks[0].name is \"cond/select/avx2/n\", expected <family>/<kernel>" "$d"
d=$(good "$work/conformance-version"); echo '{"maskbench_schema":"maskbench-conformance/9","testsuites":[]}' >"$d/conformance.json"
expect "conformance.json of a newer schema version" 2 'conformance.json: maskbench_schema is "maskbench-conformance/9", expected' "$d"
d=$(good "$work/machine"); sed -i 's/"vm"/"other"/' "$d/samples/current-r001-c001.json"
expect "one side on two machines" 2 "context.host_name" "$d"
d=$(good "$work/fifo"); rm "$d/samples/base-r004-c001.json"; mkfifo "$d/samples/base-r004-c001.json"
expect "FIFO sample" 2 "is a FIFO" "$d"
expect "look beyond max" 2 "--look 3 is beyond --max-looks 2" "$(good "$work/look")" --look 3 --max-looks 2
d=$(good "$work/missing"); rm "$d/samples/current-r002-c001.json"; sample "$d/samples/current-r009-c001.json" 100 cond/new/avx2/n:64
expect "missing side of a round, benchmark only in current" 0 "" "$d" --look 1 --max-looks 1
grep -q '"unpaired_samples": 1' "$d/verdict.json" && grep -q 'cond/new/avx2/n:64' "$d/verdict.json" ||
  { echo "FAIL verdict.json lacks the unpaired round or the new benchmark"; failures=$((failures + 1)); }
[ -f "$d/undecided.txt" ] && [ -f "$d/undecided.filter" ] && [ -f "$d/gate.md" ] && [ -f "$d/gate.html" ] ||
  { echo "FAIL outputs missing"; failures=$((failures + 1)); }

# A round's value is the fastest repetition of each side: the base's rows
# 100 and 300, the current's 150 and 102 make every round's ratio 1.02
# (the medians would make it 0.63).
d=$(good "$work/fastest")
for r in 1 2 3 4 5 6 7 8; do
  printf '{"context":{"host_name":"vm"},"benchmarks":[%s,%s]}' \
    '{"name":"cond/select/avx2/n:64","run_type":"iteration","cpu_time":100}' \
    '{"name":"cond/select/avx2/n:64","run_type":"iteration","cpu_time":300}' >"$d/samples/base-r00$r-c001.json"
  printf '{"context":{"host_name":"vm"},"benchmarks":[%s,%s]}' \
    '{"name":"cond/select/avx2/n:64","run_type":"iteration","cpu_time":150}' \
    '{"name":"cond/select/avx2/n:64","run_type":"iteration","cpu_time":102}' >"$d/samples/current-r00$r-c001.json"
done
expect "repetitions in a round" 0 "" "$d" --look 1 --max-looks 1
python3 -c 'import json, sys; b = json.load(open(sys.argv[1]))["benchmarks"][0]; sys.exit(abs(b["median_ratio"] - 1.02) > 1e-9)' \
  "$d/verdict.json" || { echo "FAIL a round's value is not the fastest repetition of each side"; failures=$((failures + 1)); }

d=$(good "$work/min-time"); sed -i 's/"alpha":0.05/"alpha":0.05,"min_time_s":-1/' "$d/gate-run.json"
expect "negative min_time_s" 2 'gate-run.json: $.min_time_s is -1, expected seconds' "$d"
d=$(good "$work/iterations"); sed -i 's/"cpu_time"/"iterations":"many","cpu_time"/' "$d/samples/base-r003-c001.json"
expect "iterations not a number" 2 'base-r003-c001.json: benchmarks[0].iterations is "many", expected a positive integer' "$d"

# An under-iterated repetition (schema.hpp) is counted and kept: with a
# minimum time of 1 us per repetition, the current's one-iteration row of
# 50 ns (0.05 us measured in all) is counted in every round and, the
# fastest, makes every round's ratio 0.5.
d=$(good "$work/under-iterated"); sed -i 's/"alpha":0.05/"alpha":0.05,"min_time_s":1e-6/' "$d/gate-run.json"
for r in 1 2 3 4 5 6 7 8; do
  printf '{"context":{"host_name":"vm"},"benchmarks":[%s]}' \
    '{"name":"cond/select/avx2/n:64","run_type":"iteration","iterations":20,"cpu_time":100}' >"$d/samples/base-r00$r-c001.json"
  printf '{"context":{"host_name":"vm"},"benchmarks":[%s,%s]}' \
    '{"name":"cond/select/avx2/n:64","run_type":"iteration","iterations":1,"cpu_time":50}' \
    '{"name":"cond/select/avx2/n:64","run_type":"iteration","iterations":20,"cpu_time":102}' >"$d/samples/current-r00$r-c001.json"
done
expect "under-iterated repetitions" 0 "" "$d" --look 1 --max-looks 1
python3 -c 'import json, sys; v = json.load(open(sys.argv[1])); b = v["benchmarks"][0]
sys.exit(abs(b["median_ratio"] - 0.5) > 1e-9 or b["rounds"] != 8 or v["under_iterated_repetitions"] != 8)' \
  "$d/verdict.json" || { echo "FAIL under-iterated repetitions were not counted: $(head -c 600 "$d/verdict.json")"; failures=$((failures + 1)); }
grep -q "8 repetitions under-iterated" "$d/gate.md" || { echo "FAIL gate.md does not count the under-iterated repetitions"; failures=$((failures + 1)); }

echo "$failures failures"
[ $failures -eq 0 ]
