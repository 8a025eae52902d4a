#!/usr/bin/env bash
# Class 2 of issue 12: special files where a results file is expected. A
# FIFO, a device (through a symlink), a 2 GB sparse file: refused by name,
# no hang, no bad_alloc. An entry named INCOMPLETE of any kind marks the
# directory as incomplete, and a FIFO marker is never opened.
#   special_files.sh MASKBENCH FIXTURES_DIR
mb="$1" fixtures="$2"
. "$(dirname "$0")/refusal_lib.sh"

d=$(variant fifo-bench); rm "$d/bench.json"; mkfifo "$d/bench.json"
every_reader "FIFO as bench.json" "$d/bench.json: is a FIFO (named pipe), expected" "$d"
d=$(variant zero-bench); ln -sf /dev/zero "$d/bench.json"
every_reader "/dev/zero as bench.json" "$d/bench.json: is a character device, expected" "$d"
d=$(variant sparse-bench); truncate -s 2G "$d/bench.json"
every_reader "2 GB sparse bench.json" "$d/bench.json: is larger than the 64 MiB limit" "$d"
d=$(variant dir-info); rm "$d/info.json"; mkdir "$d/info.json"
every_reader "directory as info.json" "$d/info.json: is a directory, expected" "$d"
d=$(variant sparse-info); truncate -s 3M "$d/info.json"
expect_bad "3 MB info.json" "$d/info.json: is larger than the 1 MiB limit" report "$d" -o "$work/r.html"
MASKBENCH_MAX_INPUT_MIB=abc expect_bad "malformed MASKBENCH_MAX_INPUT_MIB" "MASKBENCH_MAX_INPUT_MIB 'abc' is not" summary "$fixtures/hostile"

mkfifo "$work/fifo.json"
expect_bad "FIFO as the junit input" "$work/fifo.json: is a FIFO (named pipe)" junit "$work/fifo.json" -o "$work/c.xml"
ln -sf /dev/zero "$work/zero.json"
expect_bad "/dev/zero as the junit input" "$work/zero.json: is a character device" junit "$work/zero.json" -o "$work/c.xml"
truncate -s 2G "$work/sparse.json"
expect_bad "2 GB sparse junit input" "$work/sparse.json: is larger than the 16 MiB limit" junit "$work/sparse.json" -o "$work/c.xml"

# marker KIND: a fresh variant whose INCOMPLETE is made by the command in $2.
marker() {
  local d
  d=$(variant "marker-$1")
  (cd "$d" && eval "$2")
  every_reader "INCOMPLETE as $1" "$3" "$d"
}
marker "dangling symlink" "ln -s nowhere INCOMPLETE" "did not finish (INCOMPLETE is a symbolic link, not read)"
marker "self-referencing symlink" "ln -s INCOMPLETE INCOMPLETE" "did not finish (INCOMPLETE is a symbolic link, not read)"
marker "symlink to a file" "ln -s /etc/hostname INCOMPLETE" "did not finish (INCOMPLETE is a symbolic link, not read)"
marker "FIFO" "mkfifo INCOMPLETE" "did not finish (INCOMPLETE is a FIFO (named pipe), not read)"
marker "directory" "mkdir INCOMPLETE" "did not finish (INCOMPLETE is a directory, not read)"
marker "empty file" ": >INCOMPLETE" "did not finish (no reason recorded)"
marker "2 GB sparse file" "truncate -s 2G INCOMPLETE" "did not finish (no reason recorded)"
marker "two-line file" "printf 'first line\nsecond line\n' >INCOMPLETE" "did not finish (first line); rerun it"
finish
