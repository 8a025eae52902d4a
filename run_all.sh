#!/usr/bin/env bash
# maskbench, end to end on this machine.
#
#   ./run_all.sh [--quick] [--out DIR] [--filter REGEX] [--history FILE]
#       installs missing Debian packages (as root; otherwise prints the
#       apt-get command and stops), builds, detects the CPU, runs
#       conformance and the benchmarks, and writes a results directory
#       (default results/<hostname>-<UTC timestamp>/) whose path it prints.
#       With --history, the run is added to that SQLite history (created
#       if missing; `maskbench history report --db FILE` draws its trends).
#   ./run_all.sh test
#       installs, builds, and runs the whole test suite through ctest (g++,
#       then clang++-14 with ASan and UBSan), then conformance built by each
#       further compiler of the matrix: clang++-19, or the list in
#       MASKBENCH_COMPILERS (e.g. "clang++-16 clang++-19"; "" for none),
#       and the dispatch proof under qemu as a Nehalem from a g++ build
#       linked by lld and from an LTO build; on x86-64, conformance
#       cross-built for aarch64 and run under qemu-aarch64 without SVE and at
#       SVE 128, 256, 512 and 2048 bits, and for riscv64 (clang-19) under
#       qemu-riscv64 without V and at VLEN 128, 256 and 1024.
#   ./run_all.sh cross [ARCH...]
#       the complete qemu matrix (aarch64 and riscv64 by default): every
#       row at every CPU model of the test suite's cross step, where the
#       test suite runs only the rows that need the scalable extension at
#       all lengths but one.
#   ./run_all.sh gate BASE_REF [--threshold 5%] [--alpha 0.05] [--rounds N]
#                [--max-rounds M] [--repetitions K] [--budget SECONDS]
#                [--filter REGEX] [--quick] [--seed S] [--out DIR]
#       the paired regression gate: builds the current tree and BASE_REF (a
#       git worktree in .gate-base/<commit>/, kept for the next gate), runs
#       conformance of the current build, then both benchmark binaries in
#       alternating rounds (the order drawn from the printed seed), and
#       `maskbench paired` on the pairs; more rounds of the undecided
#       benchmarks while --budget (seconds for the whole gate; 600 with
#       --quick, 3600 otherwise) allows, up to --max-rounds (--rounds 16 and
#       --max-rounds 32 with --quick; 20 and 80 otherwise). Each side
#       measures each benchmark --repetitions times a round (8, splitting
#       10 ms with --quick or 20 ms), and the fastest counts.
#       Writes results/gate-<hostname>-<UTC timestamp>/ (samples/, gate-run.json,
#       conformance.json, verdict.json, gate.md, gate.html, undecided.txt).
#       Exit 0 no regression, 1 regression or conformance failure, 2 bad
#       option or input.
#
# Exit codes: 0 success; 1 conformance or a test failed (results are still
# written); 2 bad option; 3 packages missing and not root; 4 build failed;
# 130 and 143 interrupted by SIGINT or SIGTERM (the results directory holds
# INCOMPLETE, saying what is missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
build_dir="${MASKBENCH_BUILD_DIR:-build}"
# ccache (when installed) shares compiled objects between clones of the
# repository: paths are hashed relative to the checkout, not absolutely.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
start_s=$(date +%s)

# Every cmake here (and in scripts/paired_gate.sh) runs without the caller's
# GTEST_* variables. The build lists each test binary's tests for ctest
# (gtest_discover_tests), and GoogleTest obeys GTEST_FILTER when listing too:
# a build under GTEST_FILTER='Shrink.*' left ctest 61 of its 778 tests, with
# nothing said.
cmake() {
  local v unset_gtest=()
  for v in $(compgen -e); do [[ $v != GTEST_* ]] || unset_gtest+=(-u "$v"); done
  env "${unset_gtest[@]}" cmake "$@"
}

# llvm-19 is for its llvm-mca: the report's predicted throughput on other CPUs.
packages=(cmake g++ make git pkg-config ccache libbenchmark-dev libgtest-dev libsimde-dev libfmt-dev
  libcpu-features-dev nlohmann-json3-dev libhwy-dev libopenblas-dev libjs-chart.js libsqlite3-dev llvm-19)
# Only the test suite needs a browser (the report's headless-Chromium test),
# clang with its sanitizer and libFuzzer runtimes (the second compiler of the
# matrix), qemu-user (dispatch proven on older CPUs), and python3 with
# xmllint (the injection test builds hostile files and parses the XML).
# lld links one build of the dispatch proof (see linked_variant).
test_packages=(chromium clang-14 libclang-rt-14-dev qemu-user python3 libxml2-utils lld)
# The rest of the compiler matrix: conformance only, Release, no sanitizers.
# MASKBENCH_COMPILERS replaces the list, e.g. "clang++-16 clang++-19" (each
# clang++-N or g++-N installs as the Debian package clang-N or g++-N).
read -r -a matrix_compilers <<< "${MASKBENCH_COMPILERS-clang++-19}"

usage() {  # the comment block at the top of this file
  sed -n '3,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
}

die() {  # die CODE MESSAGE: MESSAGE may quote options or file names, so a
  # control character in it (an escape sequence, a newline) prints as "?".
  local LC_ALL=C
  echo "run_all.sh: ${2//[[:cntrl:]]/?}" >&2
  exit "$1"
}

elapsed() {
  local s=$(( $(date +%s) - start_s ))
  printf '%02d:%02d' $((s / 60)) $((s % 60))
}

step_no=0
step() {
  step_no=$((step_no + 1))
  echo "[$(elapsed)] step ${step_no}: $*" >&2
}

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "run_all.sh: missing Debian packages: ${missing[*]}" >&2
    echo "run_all.sh: install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 3
  fi
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || die 3 "apt-get could not install: ${missing[*]}"
}

build() {
  step "configuring and building in ${build_dir}/"
  # An existing build directory keeps its own build type (MASKBENCH_BUILD_DIR
  # may name a sanitizer build): reconfiguring it as Release would rebuild all.
  local type_arg=()
  [ -f "$build_dir/CMakeCache.txt" ] || type_arg=(-DCMAKE_BUILD_TYPE=Release)
  cmake -S . -B "$build_dir" "${type_arg[@]}" >/dev/null || die 4 "cmake configuration failed (see the messages above)"
  cmake --build "$build_dir" -j "$(nproc)" >&2 || die 4 "the build failed (see the compiler messages above)"
}

# Every result file is written to a temporary file beside it and renamed into
# place, so a result file never holds part of a result. The results directory
# may have been prepared by someone else, so no name in it is trusted: each
# temporary is created by mktemp (O_EXCL, an unpredictable name), never at a
# fixed name where a planted link would be written through, and the rename
# replaces a link at the target instead of following it. Temporaries are
# removed on exit and on SIGINT and SIGTERM.
temporaries=()

# mktemp creates files readable by their owner only; results get the mode
# that the umask gives any new file.
file_mode=$(printf '%o' $(( 0666 & ~0$(umask) )))

make_temp() {  # make_temp VAR FILE: VAR becomes the name of a new, empty temporary beside FILE
  # One command, so that a signal's trap sees the name recorded as soon as
  # the file exists.
  temporaries+=("$(mktemp -- "$(dirname -- "$2")/.$(basename -- "$2").XXXXXXXXXX")") \
    && [ -n "${temporaries[-1]}" ] && chmod "$file_mode" -- "${temporaries[-1]}" \
    || die 1 "cannot create a temporary file beside $2"
  printf -v "$1" '%s' "${temporaries[-1]}"
}

commit_temp() {  # commit_temp TEMP FILE: flushes TEMP to disk and renames it over FILE
  sync -- "$1" || die 1 "cannot flush $2 to disk"
  # -T: a directory at FILE is an error, never a place to move TEMP into.
  mv -fT -- "$1" "$2" || die 1 "cannot rename the finished $2 into place"
  sync -- "$(dirname -- "$2")" 2>/dev/null || true
  local keep=() t
  for t in "${temporaries[@]}"; do [ "$t" = "$1" ] || keep+=("$t"); done
  temporaries=("${keep[@]}")
}

remove_temps() {
  local t
  for t in "${temporaries[@]}"; do [ -z "$t" ] || rm -f -- "$t"; done
  temporaries=()
}

# Writes a command's stdout to FILE atomically.
write_atomic() {  # write_atomic FILE CMD...
  local file="$1" t
  shift
  make_temp t "$file"
  "$@" > "$t"
  commit_temp "$t" "$file"
}

# Interruption. A results directory holds a file INCOMPLETE from its creation
# until the run has written every result file; an interrupted or failed run
# leaves it, saying why and what is missing, and report, compare and gate
# refuse such a directory. Long steps run their binary in the background and
# wait for it, because bash runs a trap only once the foreground command has
# finished: so SIGINT and SIGTERM stop the binary at once.
results_dir=""
phase=""
child=""
completed=0
result_files=(info.json disasm.json conformance.xml conformance.json conformance.log bench.json bench.log report.html)

mark_incomplete() {  # mark_incomplete REASON
  [ -n "$results_dir" ] && [ -d "$results_dir" ] || return 0
  local missing="" f
  for f in "${result_files[@]}"; do
    [ -e "$results_dir/$f" ] || missing+="${missing:+, }$f"
  done
  remove_temps
  local t
  make_temp t "$results_dir/INCOMPLETE"
  printf '%s; missing: %s\n' "$1" "${missing:-nothing}" > "$t"
  commit_temp "$t" "$results_dir/INCOMPLETE"
}

on_signal() {  # on_signal NAME EXIT_CODE
  trap - INT TERM
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ -n "$results_dir" ]; then
    mark_incomplete "interrupted by SIG$1 during ${phase:-the build}"
    echo "run_all.sh: interrupted by SIG$1 during ${phase:-the build}; $results_dir is marked INCOMPLETE" >&2
  else
    echo "run_all.sh: interrupted by SIG$1 during ${phase:-the build}" >&2
  fi
  exit "$2"
}

on_exit() {
  remove_temps
  if [ -n "$results_dir" ] && [ $completed -eq 0 ] && [ ! -e "$results_dir/INCOMPLETE" ]; then
    mark_incomplete "stopped by an error during ${phase:-the run}"
  fi
}

# run_child OUT SHOW CMD...: runs CMD with stdout and stderr to the file OUT
# and returns its status. Lines of OUT matching the regular expression SHOW
# (none if empty) are also shown on the console as they come: the benchmark
# binary's "[bench] running <family>" progress.
run_child() {
  local to="$1" show="$2" rc=0 follower=""
  shift 2
  "$@" >"$to" 2>&1 &
  child=$!
  if [ -n "$show" ]; then
    tail -n +1 -F --pid="$child" "$to" 2>/dev/null | grep --line-buffered -E -- "$show" >&2 &
    follower=$!
  fi
  wait "$child" || rc=$?
  child=""
  [ -z "$follower" ] || wait "$follower" || true
  return $rc
}

# conformance_with CXX: builds the conformance binary with one more compiler
# and runs it; the binary ends with its per-implementation table, so that a
# failure reads as this compiler and that implementation.
conformance_with() {
  local cxx="$1" cc dir
  cc="${cxx/clang++/clang}"; cc="${cc/g++/gcc}"
  dir="${build_dir}-${cc}"
  step "configuring and building conformance with ${cxx} in ${dir}/"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null \
    || die 4 "cmake configuration with ${cxx} failed (see the messages above)"
  cmake --build "$dir" -j "$(nproc)" --target maskbench-conformance >&2 || die 4 "the ${cxx} build failed (see the compiler messages above)"
  step "running conformance, ${cxx} build"
  local rc=0
  "$dir/bin/maskbench-conformance" --gtest_output="json:$dir/conformance.json" > "$dir/conformance.log" 2>&1 || rc=$?
  grep -E '^\[  FAILED  \]' "$dir/conformance.log" | sort -u >&2 || true
  sed -n '/^conformance built by/,$p' "$dir/conformance.log" >&2
  [ $rc -eq 0 ] || die 1 "conformance failed with ${cxx} (exit $rc); see $dir/conformance.log"
}

# linked_variant NAME CHECK CMAKE_ARGS...: the conformance binary (and the
# maskbench binary its CLI tests run) from a build linked another way, and
# the dispatch proof under qemu as a Nehalem (no AVX), at the smoke level. A
# linker that resolves symbols in its own order, or link-time optimization,
# must not let code compiled for AVX serve a generic caller (README,
# "Implementations"). CHECK is a command over the build directory proving
# that the build was linked that way. Each run has a time budget, the
# limit of the qemu_dispatch_* ctest tests that run the same script.
linked_variant() {
  local name="$1" check="$2" dir="${build_dir}-$1" budget=1500 rc=0
  shift 2
  step "configuring and building conformance ${name} in ${dir}/"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null \
    || die 4 "cmake configuration of the ${name} build failed (see the messages above)"
  cmake --build "$dir" -j "$(nproc)" --target maskbench-conformance >&2 || die 4 "the ${name} build failed (see the compiler messages above)"
  $check "$dir" || die 1 "the ${name} build in ${dir}/ was not linked as asked"
  step "running conformance under qemu-x86_64 -cpu Nehalem, ${name} build (budget ${budget} s)"
  timeout "$budget" bash tests/qemu_dispatch.sh Nehalem "$dir/bin/maskbench" "$dir/bin/maskbench-conformance" \
    > "$dir/qemu-nehalem.log" 2>&1 || rc=$?
  tail -n 2 "$dir/qemu-nehalem.log" >&2
  [ $rc -ne 124 ] || die 1 "conformance under qemu, ${name} build, ran past its budget of ${budget} s; see $dir/qemu-nehalem.log"
  [ $rc -eq 0 ] || die 1 "conformance under qemu, ${name} build, failed (exit $rc); see $dir/qemu-nehalem.log"
}
# Distributions brand the linker's note ("Linker: Debian LLD 14.0.6"), and
# grep -q under pipefail could fail on readelf's SIGPIPE: match the captured text.
linked_by_lld() {
  local note
  note=$(readelf -p .comment "$1/lib/libmaskbench_kernels.so") && [[ $note == *"Linker: "*LLD* ]]
}
# -fno-fat-lto-objects: the implementation objects hold GIMPLE only.
built_with_lto() {
  local o sections
  o=$(find "$1/kernels/CMakeFiles" -path '*/mb_*' -name '*.o' -print -quit)
  [ -n "$o" ] && sections=$(readelf -S "$o") && [[ $sections == *.gnu.lto_* ]]
}

# Cross builds, proven under qemu-user, where the host is x86-64: for each
# architecture, its toolchain (cmake/toolchains/ARCH-linux-gnu.cmake), the
# Debian packages of its compiler and of the dependencies built for it
# (multiarch, installed beside the host's), and the CPU models its
# conformance runs under, one "MODEL MISSING VECTOR_BITS ONLY" per entry
# (tests/qemu_cross.sh). The test suite runs every row once, at one length
# of the scalable extension; on the model without it, only the proof that
# the rows needing it are skipped with the reason (and the corpus replay,
# which runs every row the model can); and at the other lengths only the
# rows that need the extension (ONLY), since only their results depend on
# the length. ./run_all.sh cross runs every row at every model, and the
# models of cross_matrix_models_ARCH too. The models run two at a time, the
# longest first (measured under qemu 7.2 on the Xeon VM: every row at one
# length takes 6-7 minutes, the SVE rows at 512 and 2048 bits 4-5, the rest
# 1-2), so that no long one starts last.
cross_arches=(aarch64 riscv64)
[ "$(uname -m)" = x86_64 ] || cross_arches=()  # a native build covers its own architecture
cross_debian_arch_aarch64=arm64
cross_packages_aarch64=(g++-aarch64-linux-gnu)
cross_models_aarch64=(
  "max,sve256=on - 256 -"
  "max,sve512=on - 512 sve"
  "max,sve2048=on,sve-default-vector-length=256 - 2048 sve"
  "max,sve128=on - 128 sve"
  "max,sve=off sve 0 sve"
)
cross_matrix_models_aarch64=()
# riscv64 is not a Debian 12 release architecture: no :riscv64 packages. The
# toolchain (cmake/toolchains/riscv64-linux-gnu.cmake) builds with clang-19
# on the GCC cross compiler's sysroot, GoogleTest from its sources and fmt
# header-only, without the benchmark binary (cmake/Dependencies.cmake).
# At VLEN 1024 the test suite runs the intrinsics row only: the
# auto-vectorized row's sweeps there take minutes under qemu.
cross_debian_arch_riscv64=""
cross_packages_riscv64=(clang-19 lld-19 g++-riscv64-linux-gnu googletest libfmt-dev)
rvv="v=true,vext_spec=v1.0"
cross_models_riscv64=(
  "rv64,$rvv,vlen=256 - 256 -"
  "rv64,$rvv,vlen=1024 - 1024 rvv:intrinsics"
  "rv64,$rvv,vlen=128 - 128 rvv"
  "rv64 rvv 0 rvv"
)
cross_matrix_models_riscv64=("rv64,$rvv,vlen=512 - 512 rvv")
# The dependencies' -dev packages for a foreign architecture that Debian
# builds (simde and nlohmann-json are headers for all).
cross_lib_packages=(libbenchmark-dev libgtest-dev libfmt-dev libcpu-features-dev libhwy-dev libopenblas-dev)

install_cross_packages() {  # install_cross_packages ARCH
  local debian_arch pkgs=() p
  local -n extra="cross_packages_$1"
  debian_arch="cross_debian_arch_$1"; debian_arch="${!debian_arch}"
  [ -z "$debian_arch" ] || for p in "${cross_lib_packages[@]}"; do pkgs+=("$p:$debian_arch"); done
  pkgs+=("${extra[@]}")
  if [ -n "$debian_arch" ] && ! dpkg --print-foreign-architectures | grep -qx "$debian_arch"; then
    [ "$(id -u)" -eq 0 ] || die 3 "the $1 cross build needs Debian's $debian_arch packages; as root: dpkg --add-architecture $debian_arch && apt-get update"
    dpkg --add-architecture "$debian_arch"
  fi
  packages=("${pkgs[@]}")
  install_packages
}

# cross_conformance ARCH [all]: the build for ARCH (conformance, the CLI,
# whose info each model checks, and the fuzz corpus replay) and its
# conformance under every model, two at a time; with "all", every row at
# every model (the complete matrix of ./run_all.sh cross).
cross_conformance() {
  local arch="$1" every="${2:-}" dir="${build_dir}-$1" model entry rc=0 i=0 pids=() logs=()
  local -n ci_models="cross_models_$1" matrix_models="cross_matrix_models_$1"
  local models=("${ci_models[@]}")
  [ -z "$every" ] || models+=("${matrix_models[@]}")
  install_cross_packages "$arch"
  step "cross-building conformance for ${arch} in ${dir}/"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release --toolchain "cmake/toolchains/${arch}-linux-gnu.cmake" >/dev/null \
    || die 4 "cmake configuration of the ${arch} cross build failed (see the messages above)"
  cmake --build "$dir" -j "$(nproc)" --target maskbench-conformance maskbench maskbench-fuzz-replay >&2 || die 4 "the ${arch} cross build failed (see the compiler messages above)"
  step "running conformance for ${arch} under qemu-${arch} at ${#models[@]} CPU models"
  for entry in "${models[@]}"; do
    read -r model missing bits only <<< "$entry"
    [ "$only" != - ] && [ -z "$every" ] || only=""
    logs+=("$dir/qemu-$i.log")
    bash tests/qemu_cross.sh "$arch" "$model" "$missing" "$bits" "$dir/bin/maskbench" "$dir/bin/maskbench-conformance" $only \
      > "$dir/qemu-$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
    if [ ${#pids[@]} -ge "$(nproc)" ]; then wait "${pids[0]}" || rc=1; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  for i in "${!logs[@]}"; do tail -n 1 "${logs[$i]}" >&2; done
  [ $rc -eq 0 ] || die 1 "conformance of the ${arch} cross build failed under qemu; see $dir/qemu-*.log"
}

# ./run_all.sh cross [ARCH...]: the complete qemu matrix, every row at
# every CPU model (the test suite runs the vector-length-dependent rows only
# at the lengths beyond the first).
run_cross() {
  local arch archs=("$@")
  [ "$(uname -m)" = x86_64 ] || die 2 "'./run_all.sh cross' cross-builds from x86-64; this machine is $(uname -m)"
  [ ${#archs[@]} -gt 0 ] || archs=("${cross_arches[@]}")
  for arch in "${archs[@]}"; do
    [[ " ${cross_arches[*]} " == *" $arch "* ]] || die 2 "'./run_all.sh cross': no cross build for '$arch'; expected one of: ${cross_arches[*]}"
  done
  packages+=(qemu-user python3)
  install_packages
  for arch in "${archs[@]}"; do cross_conformance "$arch" all; done
  echo "[$(elapsed)] conformance passed under qemu at every CPU model of: ${archs[*]}" >&2
}

run_tests() {
  local cxx
  for cxx in "${matrix_compilers[@]}"; do
    case "$cxx" in
      clang++-*) test_packages+=("clang-${cxx#clang++-}") ;;
      g++-*) test_packages+=("$cxx") ;;
      *) die 2 "MASKBENCH_COMPILERS: '$cxx' is not of the form clang++-N or g++-N" ;;
    esac
  done
  packages+=("${test_packages[@]}")
  install_packages
  build
  step "running the test suite (ctest), g++ build"
  (cd "$build_dir" && ctest --output-on-failure -j "$(nproc)") || die 1 "tests failed (g++ build in $build_dir/)"
  # The second compiler of the matrix, with AddressSanitizer and
  # UndefinedBehaviorSanitizer: valgrind cannot decode AVX-512, so the
  # sanitizers are the memory check.
  local san_dir="${build_dir}-clang-asan"
  step "configuring and building with clang++-14, ASan and UBSan in ${san_dir}/"
  cmake -S . -B "$san_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
    -DCMAKE_CXX_COMPILER=clang++-14 -DMASKBENCH_SANITIZE=address,undefined >/dev/null \
    || die 4 "cmake configuration with clang++-14 failed (see the messages above)"
  cmake --build "$san_dir" -j "$(nproc)" >&2 || die 4 "the clang++-14 sanitizer build failed (see the compiler messages above)"
  step "running the test suite (ctest), clang++-14 ASan+UBSan build"
  # run_all_interrupted, run_all_planted_links and run_all_gate exercise this script, not the compiler: once is enough.
  # reports.large.* guard the cost at scale with a time limit, which the
  # sanitizers' slowdown would exceed: they run in the g++ build only.
  (cd "$san_dir" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j "$(nproc)" -E '^(run_all_(interrupted|planted_links|gate)|reports\.large\..*)$') \
    || die 1 "tests failed (clang++-14 ASan+UBSan build in $san_dir/)"
  for cxx in "${matrix_compilers[@]}"; do conformance_with "$cxx"; done
  linked_variant lld linked_by_lld -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld
  linked_variant lto built_with_lto -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON
  for arch in "${cross_arches[@]}"; do cross_conformance "$arch"; done
  echo "[$(elapsed)] all tests passed with g++ and with clang++-14 under ASan and UBSan; conformance passed with: ${matrix_compilers[*]:-no further compiler}; under qemu as a Nehalem from the lld and the LTO builds; cross-built for: ${cross_arches[*]:-none}" >&2
}

run_suite() {
  local quick=0 out="" filter="" history=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) quick=1 ;;
      --history) [ $# -ge 2 ] && [ -n "$2" ] || die 2 "--history needs a database file"; history="$2"; shift ;;
      --history=*) history="${1#--history=}"; [ -n "$history" ] || die 2 "--history needs a database file" ;;
      --out) [ $# -ge 2 ] && [ -n "$2" ] || die 2 "--out needs a directory"; out="$2"; shift ;;
      --out=*) out="${1#--out=}"; [ -n "$out" ] || die 2 "--out needs a directory" ;;
      --filter) [ $# -ge 2 ] || die 2 "--filter needs a regular expression"; filter="$2"; shift ;;
      --filter=*) filter="${1#--filter=}" ;;
      -h|--help) usage; exit 0 ;;
      *) die 2 "unknown option '$1'; usage: ./run_all.sh [--quick] [--out DIR] [--filter REGEX] [--history FILE] | ./run_all.sh test | ./run_all.sh gate BASE_REF ..." ;;
    esac
    shift
  done
  if [ -n "$filter" ]; then
    local grc=0
    echo | grep -Eq -- "$filter" 2>/dev/null || grc=$?
    [ $grc -le 1 ] || die 2 "--filter '$filter' is not a valid regular expression"
  fi
  install_packages
  # The results directory is checked and created before the build, so that a
  # bad --out fails at once; an earlier run's complete results are never
  # overwritten.
  [ -n "$out" ] || out="results/$(hostname)-$(date -u +%Y%m%dT%H%M%SZ)"
  if [ -e "$out/info.json" ] && [ ! -e "$out/INCOMPLETE" ]; then
    die 2 "'$out' already holds the results of an earlier run; choose another --out or remove it"
  fi
  mkdir -p "$out" 2>/dev/null || die 2 "cannot create the results directory '$out'"
  [ -w "$out" ] || die 2 "the results directory '$out' is not writable"
  results_dir="$out"
  mark_incomplete "run in progress or killed (started $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  phase="the build"
  build

  phase="CPU detection"
  step "detecting the CPU"
  write_atomic "$out/info.json" "$build_dir/bin/maskbench" info --json
  "$build_dir/bin/maskbench" info >&2

  # The hot loops behind the numbers (the report's code panels): binutils
  # reads this build's kernel library; without it the report says nothing
  # of the code, and the run goes on.
  phase="the disassembly"
  step "finding each kernel's hot loop (maskbench disasm)"
  "$build_dir/bin/maskbench" disasm -o "$out/disasm.json" >&2 ||
    echo "[$(elapsed)] skipped: no disasm.json (see the message above); the report will show no code" >&2

  phase="conformance"
  step "running conformance"
  local conf_rc=0
  # One pass writes GoogleTest JSON (what the reports read); the JUnit XML is
  # derived from it rather than paid for with a second pass.
  # --quick keeps every test but at the smoke level (fewer large sizes and
  # randomized rounds); the results record the level.
  local level="${MASKBENCH_CONFORMANCE_LEVEL:-}"
  [ $quick -eq 0 ] || level="${level:-smoke}"
  local conf_log conf_json
  make_temp conf_log "$out/conformance.log"
  make_temp conf_json "$out/conformance.json"
  run_child "$conf_log" "" env MASKBENCH_CONFORMANCE_LEVEL="$level" "$build_dir/bin/maskbench-conformance" --gtest_output="json:$conf_json" || conf_rc=$?
  commit_temp "$conf_log" "$out/conformance.log"
  [ -s "$conf_json" ] || die 1 "the conformance binary stopped before writing its results (exit $conf_rc); see $out/conformance.log"
  commit_temp "$conf_json" "$out/conformance.json"
  "$build_dir/bin/maskbench" junit "$out/conformance.json" -o "$out/conformance.xml" >/dev/null \
    || die 1 "maskbench junit could not convert $out/conformance.json; see the message above"
  tail -n 3 "$out/conformance.log" >&2

  phase="benchmarks"
  step "running benchmarks$([ $quick -eq 1 ] && echo ' (quick)')"
  local bench_json bench_log
  make_temp bench_json "$out/bench.json"
  make_temp bench_log "$out/bench.log"
  local bench_args=(--benchmark_out="$bench_json" --benchmark_out_format=json)
  [ $quick -eq 1 ] && bench_args+=(--quick)
  [ -n "$filter" ] && bench_args+=(--benchmark_filter="$filter")
  run_child "$bench_log" '\[bench\] running' "$build_dir/bin/maskbench-bench" "${bench_args[@]}" \
    || { commit_temp "$bench_log" "$out/bench.log"; die 1 "the benchmark binary failed; see $out/bench.log"; }
  commit_temp "$bench_json" "$out/bench.json"
  commit_temp "$bench_log" "$out/bench.log"

  # The summary and the report read the directory, which they would refuse
  # while it is marked: from here the EXIT and signal traps mark it again if
  # the run does not complete.
  rm -f "$out/INCOMPLETE"
  phase="the summary"
  step "summary"
  "$build_dir/bin/maskbench" summary "$out"
  phase="the HTML report"
  step "writing the HTML report"
  "$build_dir/bin/maskbench" report "$out" -o "$out/report.html" >/dev/null || die 1 "maskbench report failed; see the message above"
  echo "[$(elapsed)] report: $out/report.html" >&2
  completed=1
  # After `completed`: a history that refuses the run leaves the results
  # whole (and unmarked), and the run fails.
  if [ -n "$history" ]; then
    step "adding the run to the history ${history}"
    "$build_dir/bin/maskbench" history add "$out" --db "$history" >&2 || die 1 "maskbench history add failed; see the message above"
  fi
  echo "[$(elapsed)] results written to $out" >&2
  echo "$out"
  [ $conf_rc -eq 0 ] || die 1 "conformance failed; see $out/conformance.log"
}

# shellcheck source=scripts/paired_gate.sh
. "$here/scripts/paired_gate.sh"

trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap on_exit EXIT

case "${1:-}" in
  test) shift; [ $# -eq 0 ] || die 2 "'./run_all.sh test' takes no options"; run_tests ;;
  gate) shift; run_gate "$@" ;;
  cross) shift; run_cross "$@" ;;
  *) run_suite "$@" ;;
esac
