# Shared by the untrusted-input tests (bad_input.sh, deep_nesting.sh,
# special_files.sh, refused_values.sh): sourced, with $mb the maskbench binary and $fixtures
# the fixtures directory set. Every refusal must be exit 2 with one line on
# stderr that contains the expected text, within a time limit (a hang fails).
set -u
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
tried=0

# variant NAME: a fresh copy of the hostile fixture at $work/NAME
variant() {
  rm -rf "${work:?}/$1"
  cp -r "$fixtures/hostile" "$work/$1"
  echo "$work/$1"
}

# expect_bad "what" "expected text" maskbench-args...
expect_bad() {
  local what="$1" want="$2"
  shift 2
  tried=$((tried + 1))
  local out rc
  out="$(timeout 20 "$mb" "$@" 2>&1 >/dev/null)"
  rc=$?
  if [ $rc -ne 2 ]; then
    echo "FAIL $what: exit $rc, expected 2 (124 is a hang); stderr: $(head -c 600 <<<"$out")"
    failures=$((failures + 1))
  elif ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL $what: message lacks '$want': $out"
    failures=$((failures + 1))
  elif [ "$(wc -l <<<"$out")" -ne 1 ]; then
    echo "FAIL $what: expected one line, got: $out"
    failures=$((failures + 1))
  else
    echo "ok   $what: $out"
  fi
}

# every_reader "what" "expected text" DIR: report, summary, compare and gate
# (DIR on either side) all refuse DIR.
every_reader() {
  local what="$1" want="$2" d="$3"
  expect_bad "$what (report)" "$want" report "$d" -o "$work/r.html"
  expect_bad "$what (summary)" "$want" summary "$d"
  expect_bad "$what (compare)" "$want" compare "$fixtures/hostile" "$d"
  expect_bad "$what (gate)" "$want" gate "$d" "$fixtures/hostile"
}

finish() {
  if [ $failures -ne 0 ]; then
    echo "$failures of $tried case(s) failed"
    exit 1
  fi
  echo "all $tried cases exit 2 with a one-line message"
}
