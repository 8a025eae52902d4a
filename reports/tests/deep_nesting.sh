#!/usr/bin/env bash
# Class 1 of issue 12: JSON nested 100,000 levels deep wherever a results
# file holds free-form JSON must be refused in one line, never crash the
# parser or anything that walks the document.
#   deep_nesting.sh MASKBENCH FIXTURES_DIR
mb="$1" fixtures="$2"
. "$(dirname "$0")/refusal_lib.sh"

deep() { python3 -c "import sys; n=int(sys.argv[1]); print('['*n + ']'*n, end='')" "$1"; }
deep 100000 >"$work/deep.json"
# replace FILE OLD: the first OLD in FILE becomes the deep value
replace() { python3 - "$1" "$2" "$work/deep.json" <<'PY'
import sys
path, old, deep = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(path).read()
assert old in text, old
open(path, "w").write(text.replace(old, old.split(":")[0] + ":" + deep, 1))
PY
}

d=$(variant context); replace "$d/bench.json" '"num_cpus":2'
every_reader "100,000 levels in bench.json context" "$d/bench.json: JSON nested more than 64 levels deep" "$d"
d=$(variant cpu); replace "$d/info.json" '"brand": "Evil CPU <script>alert(\"brand\")</script> \u2028 & co"'
every_reader "100,000 levels in info.json cpu" "$d/info.json: JSON nested more than 64 levels deep" "$d"
d=$(variant features); python3 - "$d/info.json" "$work/deep.json" <<'PY'
import sys
text = open(sys.argv[1]).read()
open(sys.argv[1], "w").write(text.replace('"features": [', '"features": [' + open(sys.argv[2]).read() + ",", 1))
PY
every_reader "100,000 levels in info.json features" "$d/info.json: JSON nested more than 64 levels deep" "$d"
d=$(variant failures); python3 - "$d/conformance.json" "$work/deep.json" <<'PY'
import sys
text = open(sys.argv[1]).read()
open(sys.argv[1], "w").write(text.replace('"failures": [', '"failures": [' + open(sys.argv[2]).read() + ",", 1))
PY
every_reader "100,000 levels in a test's failures" "$d/conformance.json: JSON nested more than 64 levels deep" "$d"
expect_bad "100,000 levels in a test's failures (junit)" "$d/conformance.json: JSON nested more than 64 levels deep" \
  junit "$d/conformance.json" -o "$work/c.xml"
# Just past the limit, and objects rather than arrays.
python3 -c "print('{\"a\":'*65 + '1' + '}'*65, end='')" >"$work/objects.json"
expect_bad "65 levels of objects (junit)" "JSON nested more than 64 levels deep" junit "$work/objects.json" -o "$work/c.xml"
finish
