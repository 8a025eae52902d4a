#!/usr/bin/env bash
# `maskbench history` end to end, as CI would use it: 24 runs of a fixture
# at 24 commits (the avx2 benchmarks 10% slower from commit 12, a 1% spread
# per run), added out of order and two at a time; the same run again; a
# refused directory; then trends.html, its data checked (the step found at
# commit 12 for the slowed benchmarks only, no single-point line chart, no
# figure in exponent form) and the page rendered in headless Chromium.
#   history_cli_test.sh MASKBENCH FIXTURES_DIR OUT_DIR
set -u
mb="$1"
fixtures="$2"
out="$3"
rm -rf "$out"
mkdir -p "$out/runs"
db="$out/history.sqlite"
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$fixtures/gate-a" "$out/runs" <<'PY' || fail "could not write the runs"
import json, os, random, shutil, sys
src, into = sys.argv[1], sys.argv[2]
for i in range(24):
    d = os.path.join(into, f"r{i:02}")
    os.makedirs(d)
    info = json.load(open(os.path.join(src, "info.json")))
    info["build"]["commit"] = f"commit{i:02}"
    info["build"]["commit_date"] = f"2026-11-{i + 1:02}T12:00:00+00:00"
    json.dump(info, open(os.path.join(d, "info.json"), "w"))
    shutil.copy(os.path.join(src, "conformance.json"), d)
    bench = json.load(open(os.path.join(src, "bench.json")))
    bench["context"]["date"] = info["build"]["commit_date"]
    spread = random.Random(i).gauss(1, 0.01)
    for b in bench["benchmarks"]:
        f = spread * (1 / 1.1 if i >= 12 and "/avx2/" in b["name"] else 1)
        for k in ("real_time", "cpu_time"):
            if k in b: b[k] /= f
        for k in ("items_per_second", "bytes_per_second"):
            if k in b: b[k] *= f
    json.dump(bench, open(os.path.join(d, "bench.json"), "w"))
PY

# Out of commit order, two jobs at a time.
order=(17 3 22 9 0 14 6 20 11 1 23 8 15 4 19 12 2 21 7 13 5 18 10 16)
for ((k = 0; k < ${#order[@]}; k += 2)); do
  a=$(printf 'r%02d' "${order[k]}") b=$(printf 'r%02d' "${order[k + 1]}")
  "$mb" history add "$out/runs/$a" --db "$db" >"$out/add-$a.log" 2>&1 &
  pa=$!
  "$mb" history add "$out/runs/$b" --db "$db" >"$out/add-$b.log" 2>&1 || fail "adding $b: $(cat "$out/add-$b.log")"
  wait "$pa" || fail "adding $a: $(cat "$out/add-$a.log")"
done
msg="$("$mb" history add "$out/runs/r05" --db "$db" 2>&1)" || fail "adding r05 again: $msg"
grep -q "already holds this run" <<<"$msg" || fail "adding a run twice did not say so: $msg"

# A refused directory changes nothing, and names what is wrong.
cp -r "$out/runs/r00" "$out/broken"
echo '{"benchmarks": [' >"$out/broken/bench.json"
before="$(sha256sum "$db" | cut -d' ' -f1)"
msg="$("$mb" history add "$out/broken" --db "$db" 2>&1)"
[ $? -eq 2 ] || fail "a damaged results directory was not refused with exit 2: $msg"
grep -q "bench.json" <<<"$msg" || fail "the refusal does not name the file: $msg"
[ "$(sha256sum "$db" | cut -d' ' -f1)" = "$before" ] || fail "a refused add changed the database"
"$mb" history add "$out/broken" --db "$out/never.sqlite" >/dev/null 2>&1
[ ! -e "$out/never.sqlite" ] || fail "a refused add created a database"

msg="$("$mb" history report --db "$db" -o "$out/trends.html" 2>&1)" || fail "history report: $msg"
grep -q "^24 runs, 1 machines" <<<"$msg" || fail "unexpected summary: $msg"
python3 - "$out/trends.html" <<'PY' || exit 1
import html, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(html.unescape(re.search(r'<script type="application/json" id="mb-data">(.*?)</script>', page, re.S).group(1)))
for chart in data["charts"]:
    if chart["type"] == "line":
        xs = {p["x"] for d in chart["datasets"] for p in d["points"]}
        if len(xs) < 2:
            sys.exit(f"FAIL: line chart '{chart['title']}' has {len(xs)} x value(s)")
        if len(chart.get("xticks", [])) < 2:
            sys.exit("FAIL: a history chart without commit labels")
changes = page[page.find('id="changes"'):page.find('id="latest"')]
rows = re.findall(r"<tr class=\"[a-z]+\"><td>.*?</tr>", changes)
if not rows:
    sys.exit("FAIL: no change point listed")
for row in rows:
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    impl, commit = cells[2], re.sub("<[^>]+>", "", cells[3])
    if "avx2" not in impl or commit != "commit12":
        sys.exit(f"FAIL: a change point where there is none: {cells}")
bad = [c for c in re.findall(r'<td class="num">([^<]*)<', page) if re.search(r"\d[eE][+-]\d", c)]
if bad:
    sys.exit(f"FAIL: figures in exponent form: {bad[:5]}")
print(f"{len(rows)} change points, all at commit12 in avx2 benchmarks")
PY

# shellcheck source=../../reports/tests/browser_lib.sh
source "$(dirname "$0")/../../reports/tests/browser_lib.sh"
browser_find
browser_render "$out/trends.html" "$out/trends.png"
echo "ok: $rendered of $expected charts drew pixels, no script error; screenshot $out/trends.png"
