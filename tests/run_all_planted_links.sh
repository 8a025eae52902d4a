#!/usr/bin/env bash
# A real ./run_all.sh run into a results directory that someone else
# prepared: symbolic links to files outside are planted at every temporary
# name an earlier version used (NAME.tmp) and at the result files themselves.
# run_all.sh must write none of them through: nothing outside changes, every
# result is a regular file, no temporary is left.
#   run_all_planted_links.sh REPOSITORY BUILD_DIR
# Like interrupt_test.sh, it uses BUILD_DIR as it is and only the Shrink
# conformance tests and one benchmark, to be short.
set -euo pipefail
repo="$1" build="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "run_all_planted_links: $*" >&2
  [ -f "$tmp/run.log" ] && tail -n 30 "$tmp/run.log" >&2
  exit 1
}

outside="$tmp/outside"
mkdir "$outside"
fingerprint() { (cd "$outside" && find . -printf '%p %y %s %l\n' | sort && find . -type f -exec md5sum {} + | sort); }
out="$tmp/run"
mkdir "$out"
results=(INCOMPLETE info.json conformance.json conformance.log conformance.xml bench.json bench.log report.html)
for f in "${results[@]}"; do
  echo "precious $f" >"$outside/$f"
  ln -s "$outside/$f" "$out/$f.tmp"
done
# At the targets too (not info.json: --out would take it for an earlier run).
for f in conformance.json conformance.log bench.json bench.log report.html; do ln -s "$outside/$f" "$out/$f"; done
before=$(fingerprint)

rc=0
GTEST_FILTER='Shrink.*' MASKBENCH_BUILD_DIR="$build" "$repo/run_all.sh" --quick --filter '^cond/select/scalar/n:3072$' \
  --out "$out" >"$tmp/run.out" 2>"$tmp/run.log" || rc=$?
[ $rc -eq 0 ] || fail "exit status $rc, expected 0"
[ "$before" = "$(fingerprint)" ] || fail "files outside the results directory changed: $(grep -L precious "$outside"/* || true)"
for f in info.json conformance.json conformance.log conformance.xml bench.json bench.log report.html; do
  [ -f "$out/$f" ] && [ ! -L "$out/$f" ] && [ -s "$out/$f" ] || fail "$f is not a written regular file: $(ls -l "$out/$f")"
done
[ ! -e "$out/INCOMPLETE" ] || fail "INCOMPLETE is left after a complete run"
left=$(find "$out" -mindepth 1 -name '.*' -printf '%f ')
[ -z "$left" ] || fail "temporary files left: $left"
echo "run_all_planted_links: no planted link followed, every result written, no temporary left"
