#!/usr/bin/env bash
# Opens a report in headless Chromium: takes a screenshot, then reads the DOM
# that report.js leaves and requires every chart to have drawn pixels and no
# script error to have been caught. Exit 77 (ctest: skipped) only when
# Chromium is not installed and cannot be.
#   browser_test.sh MASKBENCH FIXTURES_DIR OUT_DIR
set -u
mb="$1"
fixtures="$2"
out="$3"
# shellcheck source=browser_lib.sh
source "$(dirname "$0")/browser_lib.sh"
browser_find

mkdir -p "$out"

"$mb" report "$fixtures/hostile" -o "$out/report.html" >/dev/null || { echo "FAIL: maskbench report failed"; exit 1; }
# The page's data: a line chart has at least two x values (one value is a
# bar chart), and no figure is printed in exponent form ("1e+03 M/s").
python3 - "$out/report.html" <<'PY' || exit 1
import html, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(html.unescape(re.search(r'<script type="application/json" id="mb-data">(.*?)</script>', page, re.S).group(1)))
for chart in data.get("charts", []):
    if chart["type"] == "line":
        xs = {p["x"] for d in chart["datasets"] for p in d["points"]}
        if len(xs) < 2:
            sys.exit(f"FAIL: line chart '{chart['title']}' has {len(xs)} x value(s)")
# The first screen answers "is it correct, how fast": the summary comes first,
# one row per measured kernel, and names the failing implementation.
if not (0 <= page.find('id="summary"') < page.find('id="machine"')):
    sys.exit("FAIL: the summary is not the first section")
summary = page[page.find('id="summary"'):page.find('id="machine"')]
for kernel in ("compress/copy_if", "cond/select"):
    if f'href="#k-{kernel}"' not in summary:
        sys.exit(f"FAIL: the summary has no row for {kernel}")
if "FAIL: avx2" not in summary:
    sys.exit("FAIL: the summary does not name avx2, which fails conformance in the fixture")
cells = re.findall(r'<td class="num[^"]*">([^<]*)<', page)
bad = [c for c in cells if re.search(r"\d[eE][+-]\d", c)]
if bad:
    sys.exit(f"FAIL: figures in exponent form: {bad[:5]}")
PY
browser_render "$out/report.html" "$out/report.png"
# The hostile fixture's <script> in names must be text: the only script
# elements are the page's own three.
scripts="$(grep -o '<script' <<<"$dom" | wc -l)"
if [ "$scripts" -ne 3 ]; then
  echo "FAIL: $scripts <script> elements in the DOM, expected the page's 3 (an untrusted name became markup)"
  exit 1
fi
grep -qF '&lt;/script&gt;&lt;script&gt;alert("host")' <<<"$dom" || { echo "FAIL: the hostile host name is not shown as text"; exit 1; }
echo "ok: $rendered of $expected charts drew pixels, no script error, untrusted names shown as text; screenshot $out/report.png"
