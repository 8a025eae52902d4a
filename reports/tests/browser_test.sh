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
browser=""
for b in chromium chromium-browser google-chrome; do
  command -v "$b" >/dev/null 2>&1 && { browser="$b"; break; }
done
if [ -z "$browser" ] && [ "$(id -u)" -eq 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 &&
    browser=chromium
fi
if [ -z "$browser" ]; then
  echo "SKIP: Chromium is not installed and could not be (apt-get install chromium as root)"
  exit 77
fi

mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$profile")

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
url="file://$out/report.html"
timeout 120 "$browser" "${flags[@]}" --window-size=1300,6000 --screenshot="$out/report.png" "$url" >/dev/null 2>&1
[ -s "$out/report.png" ] || { echo "FAIL: no screenshot at $out/report.png"; exit 1; }
dom="$(timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" 2>/dev/null)"
[ -n "$dom" ] || { echo "FAIL: Chromium returned no DOM for $url"; exit 1; }

body="$(grep -o '<body[^>]*>' <<<"$dom" | head -n 1)"
expected="$(sed -n 's/.*data-charts-expected="\([0-9]*\)".*/\1/p' <<<"$body")"
rendered="$(sed -n 's/.*data-charts-rendered="\([0-9]*\)".*/\1/p' <<<"$body")"
errors="$(tr '\n' ' ' <<<"$dom" | sed -n 's/.*<pre id="mb-errors" class="errors">\([^<]*\)<\/pre>.*/\1/p')"
if ! tr '\n' ' ' <<<"$dom" | grep -q '<pre id="mb-errors" class="errors"></pre>'; then
  echo "FAIL: script errors were logged: ${errors:-(unreadable #mb-errors)}"
  exit 1
fi
if [ -z "$expected" ] || [ "$expected" -eq 0 ] || [ "$rendered" != "$expected" ]; then
  echo "FAIL: charts rendered '${rendered:-none}' of '${expected:-none}' (body: $body)"
  exit 1
fi
# The hostile fixture's <script> in names must be text: the only script
# elements are the page's own three.
scripts="$(grep -o '<script' <<<"$dom" | wc -l)"
if [ "$scripts" -ne 3 ]; then
  echo "FAIL: $scripts <script> elements in the DOM, expected the page's 3 (an untrusted name became markup)"
  exit 1
fi
grep -qF '&lt;/script&gt;&lt;script&gt;alert("host")' <<<"$dom" || { echo "FAIL: the hostile host name is not shown as text"; exit 1; }
echo "ok: $rendered of $expected charts drew pixels, no script error, untrusted names shown as text; screenshot $out/report.png"
