#!/usr/bin/env bash
# Arbitrary file overwrite through the output layer (issue 12, class 3). Every
# command that writes a file (report, compare -o, gate --markdown, junit) runs
# in a directory prepared by someone else: a symbolic link to a file outside
# is planted at the old predictable temporary name (.NAME.tmp.<pid>; the pid is
# known because exec keeps the subshell's) and at the target itself. Nothing
# outside the output may change; the target must end up a regular file; no
# temporary may be left, also when the writer is interrupted by SIGINT or
# SIGTERM while its temporary exists (pause_shim.so holds it there).
#   planted_links_test.sh MASKBENCH FIXTURES_DIR PAUSE_SHIM
set -u
mb="$1" fixtures="$2" shim="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
bad() {
  echo "FAIL $*"
  failures=$((failures + 1))
}

outside="$work/outside"
mkdir "$outside"
echo "precious: must never be written" >"$outside/victim"
mkfifo "$outside/fifo"
fingerprint() { (cd "$outside" && find . -printf '%p %y %s %l\n' | sort && find . -type f -exec md5sum {} + | sort); }
before="$(fingerprint)"
d="$work/results"
cp -r "$fixtures/hostile" "$d"
out="$work/out"
mkdir "$out"

# leftovers DIR NAME: temporaries of NAME left in DIR (regular files; the
# planted links are not temporaries)
leftovers() { find "$1" -maxdepth 1 -name ".$2.*" ! -type l -printf '%f '; }

# planted WHAT DIR NAME OK_CODES MASKBENCH-ARGS...
planted() {
  local what="$1" dir="$2" name="$3" ok="$4" rc=0
  shift 4
  ln -sfn "$outside/victim" "$dir/$name"
  (
    ln -s "$outside/victim" "$dir/.$name.tmp.$BASHPID"
    exec "$mb" "$@" >"$work/log" 2>&1
  ) || rc=$?
  if [[ " $ok " != *" $rc "* ]]; then
    bad "$what: exit $rc, expected one of $ok: $(head -c 300 "$work/log")"
  elif [ -L "$dir/$name" ] || [ ! -f "$dir/$name" ] || [ ! -s "$dir/$name" ]; then
    bad "$what: $dir/$name is not the written file: $(ls -l "$dir/$name")"
  elif [ "$before" != "$(fingerprint)" ]; then
    bad "$what: a file outside the output changed: $(cat "$outside/victim")"
  elif [ -n "$(leftovers "$dir" "$name")" ]; then
    bad "$what: temporaries left: $(leftovers "$dir" "$name")"
  else
    echo "ok   $what: the links were not followed, $name written"
  fi
  [ "$before" = "$(fingerprint)" ] || { echo "precious: must never be written" >"$outside/victim"; before="$(fingerprint)"; }
  find "$dir" -maxdepth 1 -name ".$name.tmp.*" -type l -delete
}

planted "report, default output" "$d" report.html "0" report "$d"
planted "report -o" "$out" r.html "0" report "$d" -o "$out/r.html"
planted "compare -o" "$out" c.html "0" compare "$d" "$d" -o "$out/c.html"
planted "gate --markdown" "$out" gate.md "0 1" gate "$fixtures/gate-a" "$fixtures/gate-b" --markdown "$out/gate.md"
planted "junit, default output" "$d" conformance.xml "0" junit "$d/conformance.json"
planted "junit -o" "$out" j.xml "0" junit "$d/conformance.json" -o "$out/j.xml"

# A target that is, or links to, something renaming would destroy is refused.
ln -s "$outside/fifo" "$out/to-fifo.html"
ln -s "$outside" "$out/to-dir.html"
for target in to-fifo.html to-dir.html; do
  rc=0
  msg="$("$mb" report "$d" -o "$out/$target" 2>&1 >/dev/null)" || rc=$?
  if [ $rc -ne 2 ] || [ "$before" != "$(fingerprint)" ] || [ ! -L "$out/$target" ] || [ -n "$(leftovers "$out" "$target")" ]; then
    bad "link to a FIFO or directory as the target ($target): exit $rc, $msg"
  else
    echo "ok   $target refused: $msg"
  fi
done

# Interrupted while the temporary exists: the signal handler removes it.
set -m  # a background job of a script otherwise starts with SIGINT ignored
for sig in INT TERM; do
  ready="$work/ready.$sig"
  MB_PAUSE_READY="$ready" LD_PRELOAD="$shim" "$mb" report "$d" -o "$out/interrupted.html" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ -e "$ready" ] && break
    sleep 0.1
  done
  if [ ! -e "$ready" ]; then
    kill -KILL "$pid"
    bad "SIG$sig: the writer never reached its fsync or rename"
    continue
  fi
  kill -"$sig" "$pid"
  rc=0
  wait "$pid" || rc=$?
  want=$((128 + $(kill -l "$sig")))
  if [ $rc -ne $want ]; then
    bad "SIG$sig: exit status $rc, expected $want (killed by the signal)"
  elif [ -n "$(leftovers "$out" interrupted.html)" ] || [ -e "$out/interrupted.html" ]; then
    bad "SIG$sig: temporaries left: $(leftovers "$out" interrupted.html)"
  else
    echo "ok   SIG$sig while writing: no temporary left, no partial file"
  fi
done
set +m

if [ $failures -ne 0 ]; then
  echo "$failures case(s) failed"
  exit 1
fi
echo "no write outside the output, no temporary left"
