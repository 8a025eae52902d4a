#!/usr/bin/env bash
# A real ./run_all.sh run into a results directory that someone else
# prepared: symbolic links to files outside are planted at every temporary
# name an earlier version used: NAME.tmp of the script, and .NAME.tmp.<pid> of
# the report and junit writers for every pid (all of them where pid_max is at
# most 65536, as here; else the 50,000 after the current one), and at the
# result files themselves. run_all.sh must write none of them through:
# nothing outside changes, every result is a regular file, no temporary is
# left.
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
python3 - "$out" "$outside" <<'PY'
import os, sys
out, outside = sys.argv[1], sys.argv[2]
pid_max = int(open("/proc/sys/kernel/pid_max").read())
first = 2 if pid_max <= 65536 else os.getpid()
for pid in range(first, min(pid_max, first + 65536)):
    for name in ("report.html", "conformance.xml"):
        os.symlink(f"{outside}/{name}", f"{out}/.{name}.tmp.{pid}")
PY
before=$(fingerprint)

rc=0
GTEST_FILTER='Shrink.*' MASKBENCH_BUILD_DIR="$build" "$repo/run_all.sh" --quick --filter '^cond/select/scalar/' \
  --out "$out" >"$tmp/run.out" 2>"$tmp/run.log" || rc=$?
[ $rc -eq 0 ] || fail "exit status $rc, expected 0"
[ "$before" = "$(fingerprint)" ] || fail "files outside the results directory changed: $(grep -L precious "$outside"/* || true)"
for f in info.json conformance.json conformance.log conformance.xml bench.json bench.log report.html; do
  [ -f "$out/$f" ] && [ ! -L "$out/$f" ] && [ -s "$out/$f" ] || fail "$f is not a written regular file: $(ls -l "$out/$f")"
done
[ ! -e "$out/INCOMPLETE" ] || fail "INCOMPLETE is left after a complete run"
left=$(find "$out" -mindepth 1 -name '.*' ! -type l -printf '%f ')
[ -z "$left" ] || fail "temporary files left: $left"
echo "run_all_planted_links: no planted link followed, every result written, no temporary left"
