# shellcheck shell=bash
# Headless Chromium for the page tests (sourced): find or install the
# browser, then render a page and check what report.js left in the DOM.
#   browser_find           sets $browser, or exits 77 (ctest: skipped) when
#                          Chromium is not installed and cannot be
#   browser_render PAGE PNG
#                          screenshot to PNG, the DOM into $dom; fails (exit 1)
#                          unless every chart drew pixels and no script error
#                          was caught; sets $rendered and $expected

browser_find() {
  browser=""
  local b
  for b in chromium chromium-browser google-chrome; do
    command -v "$b" >/dev/null 2>&1 && { browser="$b"; return; }
  done
  if [ "$(id -u)" -eq 0 ] &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
    browser=chromium
    return
  fi
  echo "SKIP: Chromium is not installed and could not be (apt-get install chromium as root)"
  exit 77
}

browser_render() {
  local page="$1" png="$2" profile url body errors
  profile="$(mktemp -d)"
  local flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
    --disable-component-update --disable-sync --user-data-dir="$profile")
  url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
  timeout 120 "$browser" "${flags[@]}" --window-size=1300,6000 --screenshot="$png" "$url" >/dev/null 2>&1
  dom="$(timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" 2>/dev/null)"
  rm -rf "$profile"
  [ -s "$png" ] || { echo "FAIL: no screenshot at $png"; exit 1; }
  [ -n "$dom" ] || { echo "FAIL: Chromium returned no DOM for $url"; exit 1; }
  body="$(grep -o '<body[^>]*>' <<<"$dom" | head -n 1)"
  expected="$(sed -n 's/.*data-charts-expected="\([0-9]*\)".*/\1/p' <<<"$body")"
  rendered="$(sed -n 's/.*data-charts-rendered="\([0-9]*\)".*/\1/p' <<<"$body")"
  errors="$(tr '\n' ' ' <<<"$dom" | sed -n 's/.*<pre id="mb-errors" class="errors">\([^<]*\)<\/pre>.*/\1/p')"
  if ! tr '\n' ' ' <<<"$dom" | grep -q '<pre id="mb-errors" class="errors"></pre>'; then
    echo "FAIL: script errors were logged in $page: ${errors:-(unreadable #mb-errors)}"
    exit 1
  fi
  if [ -z "$expected" ] || [ "$expected" -eq 0 ] || [ "$rendered" != "$expected" ]; then
    echo "FAIL: $page: charts rendered '${rendered:-none}' of '${expected:-none}' (body: $body)"
    exit 1
  fi
}
