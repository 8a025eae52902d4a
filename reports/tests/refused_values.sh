#!/usr/bin/env bash
# Class 6 of issue 12: values that must be refused, with the file, the JSON
# path and what was expected, in one line, by every reader alike: zero,
# -0.0, negative and non-finite times and rates; a test's failures of the
# wrong type (gate and junit must agree); wrong types for any field read.
#   refused_values.sh MASKBENCH FIXTURES_DIR
mb="$1" fixtures="$2"
. "$(dirname "$0")/refusal_lib.sh"

# edit NAME FILE PYTHON: a variant whose FILE (parsed JSON `j`) is changed by
# the Python statement, then written back.
edit() {
  local d
  d=$(variant "$1")
  python3 - "$d/$2" "$3" <<'PY'
import json, sys
path, stmt = sys.argv[1], sys.argv[2]
j = json.load(open(path))
exec(stmt)
open(path, "w").write(json.dumps(j, allow_nan=True))
PY
  echo "$d"
}

time_range="expected a positive finite number from 1e-09 to 1e+21"
for field in cpu_time real_time; do
  for value in 0 -0.0 -3 1e-320 "float('nan')" "float('inf')" "float('-inf')" '"12"' None True; do
    d=$(edit "bench-$field" bench.json "j['benchmarks'][12]['$field'] = $value")
    every_reader "bench.json $field = $value" "$d/bench.json: benchmarks[12].$field is" "$d"
  done
  d=$(edit "bench-missing-$field" bench.json "del j['benchmarks'][3]['$field']")
  expect_bad "bench.json without $field" "$d/bench.json: benchmarks[3].$field is missing" gate "$fixtures/hostile" "$d"
done
d=$(edit zero-baseline bench.json "[b.update(cpu_time=0.0) for b in j['benchmarks']]")
expect_bad "all-zero baseline cpu_time" "$d/bench.json: benchmarks[0].cpu_time is 0, $time_range" gate "$d" "$fixtures/hostile"
for value in -1 "float('nan')" "float('inf')" '"fast"'; do
  d=$(edit "rate" bench.json "j['benchmarks'][5]['items_per_second'] = $value")
  every_reader "items_per_second = $value" "$d/bench.json: benchmarks[5].items_per_second is" "$d"
done
d=$(edit unit bench.json "j['benchmarks'][7]['time_unit'] = 'fortnights'")
expect_bad "unknown time unit" "$d/bench.json: benchmarks[7].time_unit is \"fortnights\", expected one of \"ns\", \"us\", \"ms\", \"s\"" report "$d" -o "$work/r.html"
d=$(edit name-type bench.json "j['benchmarks'][2]['name'] = 5")
expect_bad "benchmark name of the wrong type" "$d/bench.json: benchmarks[2].name is 5, expected a string" report "$d" -o "$work/r.html"
d=$(edit newline-name bench.json "j['benchmarks'][0]['run_name'] = 'x\n::error ::y'")
# The reader quotes the name as JSON (\n) and the terminal sink escapes that
# backslash again: what reaches the terminal is one line either way.
expect_bad "benchmark name with a newline" "$d/bench.json: benchmarks[0].run_name is \"x\\\\n::error ::y\", expected <family>" summary "$d"
d=$(edit error-flag bench.json "j['benchmarks'][0]['error_occurred'] = 'yes'")
expect_bad "error_occurred not a boolean" "$d/bench.json: benchmarks[0].error_occurred is \"yes\", expected true or false" summary "$d"
d=$(edit context bench.json "j['context'] = [1]")
expect_bad "context not an object" "$d/bench.json: context is an array, expected an object" summary "$d"
d=$(edit rows bench.json "j['benchmarks'] = {}")
expect_bad "benchmarks not an array" "$d/bench.json: benchmarks is an object, expected an array" summary "$d"

# failures of the wrong type: every reader, junit included, the same message.
for value in "{'failure': 'x'}" "'failed'" 3 "[3]"; do
  d=$(edit failures conformance.json "j['testsuites'][0]['testsuite'][0]['failures'] = $value")
  want="$d/conformance.json: testsuites[0].testsuite[0].failures"
  [ "$value" = "[3]" ] && want="$want[0] is 3, expected an object"
  every_reader "failures = $value" "$want" "$d"
  expect_bad "failures = $value (junit)" "$want" junit "$d/conformance.json" -o "$work/c.xml"
done
for field in name result skip_reason classname; do
  d=$(edit "test-$field" conformance.json "j['testsuites'][0]['testsuite'][4]['$field'] = {}")
  expect_bad "test $field an object" "testsuites[0].testsuite[4].$field is an object, expected a string" gate "$d" "$fixtures/hostile"
  expect_bad "test $field an object (junit)" "testsuites[0].testsuite[4].$field is an object, expected a string" junit "$d/conformance.json" -o "$work/c.xml"
done
d=$(edit time conformance.json "j['time'] = '1e999s'")
expect_bad "duration out of range (junit)" "$d/conformance.json: time is \"1e999s\", expected a duration" junit "$d/conformance.json" -o "$work/c.xml"
d=$(edit level conformance.json "j['maskbench_level'] = 7")
expect_bad "level not a string" "$d/conformance.json: maskbench_level is 7, expected a string" summary "$d"

for value in 1 "[]" None "{'v': 1}"; do
  d=$(edit schema info.json "j['schema'] = $value")
  every_reader "schema = $value" "$d/info.json: not a maskbench info file (schema is" "$d"
done
d=$(edit cpu info.json "j['cpu'] = 'fast'")
every_reader "cpu a string" "$d/info.json: cpu is \"fast\", expected an object" "$d"
d=$(edit brand info.json "del j['cpu']['brand']")
expect_bad "cpu.brand missing" "$d/info.json: cpu.brand is missing, expected a string" compare "$fixtures/hostile" "$d"
d=$(edit detected info.json "j['features'][1]['detected'] = 'yes'")
every_reader "features[1].detected a string" "$d/info.json: features[1].detected is \"yes\", expected true or false" "$d"
d=$(edit runnable info.json "j['implementations'][2]['runnable'] = 1")
expect_bad "runnable a number" "$d/info.json: implementations[2].runnable is 1, expected true or false" gate "$fixtures/hostile" "$d"
d=$(edit flags info.json "j['build']['base_flags'] = ['-O3']")
expect_bad "build flags an array" "$d/info.json: build.base_flags is an array, expected a string" gate "$fixtures/hostile" "$d"
finish
