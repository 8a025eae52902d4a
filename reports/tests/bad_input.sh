#!/usr/bin/env bash
# Untrusted input: every damaged results directory and every bad option must
# end in exit 2 with one line naming the file (or option) and the problem,
# never a crash. Variants are made from the hostile fixture in a temp dir.
#   bad_input.sh MASKBENCH FIXTURES_DIR
mb="$1"
fixtures="$2"
. "$(dirname "$0")/refusal_lib.sh"

d=$(variant good)
expect_bad "missing directory" "$work/nowhere: not a results directory" report "$work/nowhere"
expect_bad "no arguments" "expected one results directory" report
expect_bad "unknown option" "unknown option '--frobnicate'" report "$d" --frobnicate
expect_bad "option without value" "option '-o' needs a value" report "$d" -o
expect_bad "unwritable output" "cannot be written" report "$d" -o "$work/no/such/dir/r.html"

d=$(variant missing); rm "$d/bench.json"
expect_bad "missing bench.json" "$d/bench.json: does not exist" report "$d"
d=$(variant empty); : >"$d/bench.json"
expect_bad "empty bench.json" "$d/bench.json: is empty" report "$d"
d=$(variant truncated); head -c 3000 "$fixtures/hostile/bench.json" >"$d/bench.json"
expect_bad "truncated bench.json" "$d/bench.json: not valid JSON" report "$d"
d=$(variant truncated-info); head -c 200 "$fixtures/hostile/info.json" >"$d/info.json"
expect_bad "truncated info.json" "$d/info.json: not valid JSON" compare "$d" "$fixtures/hostile"
d=$(variant schema); echo '{"results": []}' >"$d/bench.json"
expect_bad "bench.json of another schema" "$d/bench.json: not a Google Benchmark JSON file" gate "$fixtures/hostile" "$d"
d=$(variant info-schema); echo '{"schema": "other/2"}' >"$d/info.json"
expect_bad "info.json of another schema" "$d/info.json: not a maskbench info file" report "$d"
d=$(variant info-version); sed -i 's|"maskbench-info/1"|"maskbench-info/9"|' "$d/info.json"
expect_bad "info.json of a newer schema version" "$d/info.json: schema is \"maskbench-info/9\", expected \"maskbench-info/1\"" report "$d"
d=$(variant bench-version); sed -i 's|"context":{|"context":{"maskbench_schema":"maskbench-bench/9",|' "$d/bench.json"
expect_bad "bench.json of a newer schema version" "$d/bench.json: context.maskbench_schema is \"maskbench-bench/9\", expected" summary "$d"
d=$(variant info-field); sed -i 's/"brand"/"brandy"/' "$d/info.json"
expect_bad "info.json without cpu.brand" "$d/info.json: cpu.brand is missing, expected a string" report "$d"
d=$(variant conformance); echo '[1, 2]' >"$d/conformance.json"
expect_bad "conformance.json of another schema" "$d/conformance.json: not a GoogleTest JSON file" report "$d"
d=$(variant name-type); sed -i 's/"name":"cond\/select\/scalar\/n:3072"/"name":5/' "$d/bench.json"
expect_bad "benchmark name of the wrong type" "$d/bench.json: benchmarks[0].name is 5, expected a string" report "$d"
d=$(variant name-shape); sed -i 's/"name":"cond\/select\/scalar\/n:3072","run_name":"cond\/select\/scalar\/n:3072"/"name":"lonely","run_name":"lonely"/' "$d/bench.json"
expect_bad "benchmark name without implementation" "$d/bench.json: benchmarks[0].run_name is \"lonely\", expected <family>" report "$d"
d=$(variant name-arg); sed -i 's|"run_name":"cond/select/scalar/n:3072"|"run_name":"cond/select/scalar/n:3072/n:1"|' "$d/bench.json"
expect_bad "benchmark name with a key twice" "benchmarks[0].run_name is \"cond/select/scalar/n:3072/n:1\", expected <family>/<kernel>[/<implementation>][/<key>:<value>...] (the key 'n' comes twice)" report "$d"
d=$(variant overflow); sed -i '0,/"cpu_time":[0-9.e+-]*/s//"cpu_time":1e999/' "$d/bench.json"
expect_bad "number out of range" "$d/bench.json: not valid JSON" gate "$fixtures/hostile" "$d"
d=$(variant disasm-json); echo '{"schema": "maskbench-disasm/1", "entries": [' >"$d/disasm.json"
expect_bad "truncated disasm.json" "$d/disasm.json: not valid JSON" report "$d"
d=$(variant disasm-version); sed -i 's|"maskbench-disasm/1"|"maskbench-disasm/7"|' "$d/disasm.json"
expect_bad "disasm.json of a newer schema version" "$d/disasm.json: schema is \"maskbench-disasm/7\", expected" report "$d"
d=$(variant disasm-count); sed -i 's|"mask": 1,|"mask": -1,|' "$d/disasm.json"
expect_bad "a negative count in disasm.json" "$d/disasm.json: entries[0].loop.mix.mask is -1, expected a count from 0 to 1000000" report "$d"
d=$(variant disasm-width); sed -i 's|"width": "zmm"|"width": "qmm"|' "$d/disasm.json"
expect_bad "an unknown register width in disasm.json" "$d/disasm.json: entries[0].loop.mix.width is \"qmm\", expected" report "$d"
d=$(variant mca-model); sed -i 's|"name": "znver4"|"name": "zn<ver4"|' "$d/disasm.json"
expect_bad "a CPU model name outside the grammar in disasm.json" "$d/disasm.json: mca.models[0].name is \"zn<ver4\", expected a CPU model name" report "$d"
d=$(variant mca-cycles); sed -i 's|"cycles_per_iteration": 2.0|"cycles_per_iteration": -2|' "$d/disasm.json"
expect_bad "negative predicted cycles in disasm.json" "$d/disasm.json: entries[0].loop.predictions[0].cycles_per_iteration is -2, expected a positive finite number" report "$d"
d=$(variant mca-clock); sed -i 's|"clock_ghz": 3.0|"clock_ghz": 1e300|' "$d/disasm.json"
expect_bad "an absurd clock in disasm.json" "$d/disasm.json: mca.clock_ghz is 1e+300, expected a clock in GHz from 0 to 100" report "$d"
d=$(variant mca-stride); sed -i 's|"stride_bytes": 64|"stride_bytes": 0|' "$d/disasm.json"
expect_bad "a zero stride in disasm.json" "$d/disasm.json: entries[0].loop.stride_bytes is 0, expected null or a stride from 1 to 1048576 bytes" report "$d"
d=$(variant mca-many); python3 -c "
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d['entries'][0]['loop']['predictions'] = [{'model': 'znver4', 'cycles_per_iteration': 1}] * 33
json.dump(d, open(p, 'w'))" "$d/disasm.json"
expect_bad "too many predictions for one loop in disasm.json" "$d/disasm.json: entries[0].loop.predictions is an array, expected at most 32 predictions" report "$d"
d=$(variant nan); sed -i '0,/"cpu_time":[0-9.e+-]*/s//"cpu_time":NaN/' "$d/bench.json"
expect_bad "NaN" "$d/bench.json: benchmarks[0].cpu_time is null (NaN or infinite" gate "$fixtures/hostile" "$d"
d=$(variant inf); sed -i '0,/"items_per_second":[0-9.e+-]*/s//"items_per_second":-Infinity/' "$d/bench.json"
expect_bad "-Infinity" "benchmarks[0].items_per_second is null (NaN or infinite" report "$d"
d=$(variant negative); sed -i '0,/"real_time":[0-9.e+-]*/s//"real_time":-3/' "$d/bench.json"
expect_bad "negative time" "benchmarks[0].real_time is -3, expected a positive finite number" report "$d"
d=$(variant unit); sed -i '0,/"time_unit":"ns"/s//"time_unit":"fortnights"/' "$d/bench.json"
expect_bad "unknown time unit" "benchmarks[0].time_unit is \"fortnights\", expected one of" report "$d"
d=$(variant incomplete); echo "interrupted during the benchmarks: bench.json missing" >"$d/INCOMPLETE"
expect_bad "incomplete directory" "did not finish (interrupted during the benchmarks" gate "$fixtures/hostile" "$d"

d=$(variant disjoint); sed -i 's/"name":"/"name":"other_/g; s/"run_name":"/"run_name":"other_/g' "$d/bench.json"
expect_bad "no benchmark in common" "no measured benchmark in common" gate "$fixtures/hostile" "$d"
d=$(variant compiler); sed -i 's/"compiler": "[^"]*"/"compiler": "Clang 14.0.6"/' "$d/info.json"
expect_bad "different machines" "come from different machines or builds (compiler: " gate "$fixtures/hostile" "$d"
expect_bad "threshold not a number" "--threshold 'abc' is not a finite number" gate "$fixtures/hostile" "$fixtures/hostile" --threshold abc
expect_bad "negative threshold" "--threshold '-5%' is out of range" gate "$fixtures/hostile" "$fixtures/hostile" --threshold=-5%
expect_bad "alpha out of range" "--alpha '2' is out of range" gate "$fixtures/hostile" "$fixtures/hostile" --alpha 2
expect_bad "one directory to compare" "expected two or more results directories" compare "$fixtures/hostile"

finish
