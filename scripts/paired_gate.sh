# shellcheck shell=bash disable=SC2154,SC2034
# The paired regression gate, `./run_all.sh gate BASE_REF ...`: sourced by
# run_all.sh, whose helpers (die, step, run_child, mark_incomplete, the
# signal traps) it uses.
#
# Both sides are measured in the same window, alternating, so that the
# machine's drift hits both alike: the benchmarks are split into chunks, and
# in every round each chunk runs once with the base binary and once with the
# current one, back to back, the side that goes first drawn per (round,
# chunk) from the seed. `maskbench paired` (the current build's CLI; the base
# commit may predate it) tests the per-round ratios and names the benchmarks
# it cannot decide yet; those get more rounds while the budget allows.
#
# The base binary is driven through Google Benchmark's stable command line
# only (plus --quick, which every maskbench-bench has), so any base commit
# that builds maskbench-bench can be gated against.

gate_usage="./run_all.sh gate BASE_REF [--threshold 5%] [--alpha 0.05] [--rounds N] [--max-rounds M] [--repetitions K] [--budget SECONDS] [--filter REGEX] [--quick] [--seed S] [--out DIR]"

# Each side's run of a chunk takes a few seconds, so that the two samples of
# a (round, chunk) pair are seconds apart; the numbers come from timing
# --quick runs on a 2-core VM (README, "Gate a pull request in CI").
gate_chunk_size=40
# Repetitions per side, round and chunk: 8 short ones (1.25 ms each with
# --quick, 2.5 ms otherwise), of which the analysis keeps the fastest
# (reports/paired_gate.hpp says why). On the 2-core VM under a load average
# of 12 they cost what one 10 ms repetition did (130 s against 141 s for 12
# rounds of 81 benchmarks) and halved the paired spread.
gate_default_repetitions=8

gate_refuse() {  # gate_refuse MESSAGE: a bad option, one line, exit 2
  die 2 "gate: $1; usage: $gate_usage"
}

# gate_fraction OPTION TEXT PERCENT_OK MAX: prints TEXT as a fraction in
# (0, MAX]; "5%" is 0.05 where PERCENT_OK is 1.
gate_fraction() {
  local option="$1" text="$2" percent_ok="$3" max="$4" t="$2" scale=1
  if [ "$percent_ok" = 1 ] && [[ "$t" == *% ]]; then t="${t%\%}"; scale=100; fi
  [[ "$t" =~ ^([0-9]+(\.[0-9]*)?|\.[0-9]+)$ ]] || gate_refuse "$option '$text' is not a number"
  awk -v v="$t" -v s="$scale" -v m="$max" 'BEGIN { v /= s; if (v <= 0 || v > m) exit 1; printf "%.10g\n", v }' ||
    gate_refuse "$option '$text' is out of range: expected more than 0 and at most $max"
}

gate_count() {  # gate_count OPTION TEXT MIN MAX: an integer in [MIN, MAX]
  [[ "$2" =~ ^[0-9]{1,9}$ ]] && [ $((10#$2)) -ge "$3" ] && [ $((10#$2)) -le "$4" ] ||
    gate_refuse "$1 '$2' is not an integer from $3 to $4"
  echo $((10#$2))
}

json_string() {  # json_string TEXT: TEXT as a JSON string (control characters were refused)
  local s="$1"
  s="${s//\\/\\\\}"
  printf '"%s"' "${s//\"/\\\"}"
}

# The benchmark names a binary lists for the filter, one a line; a line
# holding a control character is dropped (it cannot be a name the gate can
# filter on).
gate_list() {  # gate_list BIN OUTFILE
  local args=(--benchmark_list_tests=true)
  [ $gate_quick -eq 1 ] && args+=(--quick)
  [ -n "$gate_filter" ] && args+=(--benchmark_filter="$gate_filter")
  local t
  make_temp t "$2"
  "$1" "${args[@]}" 2>/dev/null | LC_ALL=C grep -v '[[:cntrl:]]' > "$t" || true
  commit_temp "$t" "$2"
}

# One --benchmark_filter that matches exactly the names on stdin: each name's
# regular-expression metacharacters escaped, the alternatives anchored.
gate_exact_filter() {
  sed -e 's/[][\.()*+?{}|^$]/\\&/g' | paste -sd'|' | sed -e 's/^/^(/' -e 's/$/)$/'
}

# The side that runs first in (ROUND, CHUNK): a function of the seed alone,
# so --seed S replays the order.
gate_first() {  # gate_first ROUND CHUNK
  local h
  h=$(printf '%s:%s:%s' "$gate_seed" "$1" "$2" | sha256sum | cut -c1)
  if [ $((16#$h % 2)) -eq 0 ]; then echo base; else echo current; fi
}

gate_write_run_record() {
  local order
  order=$(IFS=,; echo "${gate_order[*]}")
  local t
  make_temp t "$results_dir/gate-run.json"
  printf '{"schema":"maskbench-gate-run/1","base_ref":%s,"base_commit":%s,"current_commit":%s,"seed":%s,"threshold":%s,"alpha":%s,"order":[%s],"quick":%s,"budget_s":%s,"filter":%s,"rounds":%s,"max_rounds":%s,"repetitions":%s,"min_time_s":%s,"chunk_size":%s}\n' \
    "$(json_string "$gate_base_ref")" "$(json_string "$gate_base_commit")" "$(json_string "$gate_current_commit")" \
    "$gate_seed" "$gate_threshold" "$gate_alpha" "$order" "$([ $gate_quick -eq 1 ] && echo true || echo false)" \
    "$gate_budget" "$(json_string "$gate_filter")" "$gate_rounds" "$gate_max_rounds" "$gate_repetitions" "$gate_min_time" "$gate_chunk_size" \
    > "$t"
  commit_temp "$t" "$results_dir/gate-run.json"
}

# The process layout is a factor of the measurement, not of the code: the
# same binary ran one benchmark 6% slower with 3000 more bytes of
# environment, which moves the stack (Mytkowicz et al., "Producing wrong
# data without doing anything obviously wrong!", ASPLOS 2009), and an A/A
# gate flagged a 3.4% "regression" in 16 of 16 rounds where the only
# difference was the path the base binary ran from. So both sides run
# through paths of the same length (gate_side_paths), and every run gets an
# environment variable of a length drawn from the seed, 0 to 4095 bytes
# (gate_layout_pad): the stack's offset within its page is then drawn anew
# for each side of each round, and a layout that happens to favour one side
# is noise the paired test sees, not a bias it must believe.
gate_layout_pad() {  # gate_layout_pad ROUND CHUNK SIDE: the padding's length
  local h
  h=$(printf '%s:%s:%s:%s:layout' "$gate_seed" "$1" "$2" "$3" | sha256sum | cut -c1-4)
  echo $((16#$h % 4096))
}

gate_side_paths() {  # links bin/base and bin/curr (equal lengths) to the two binaries
  local d="$results_dir/bin"
  rm -rf -- "$d"
  mkdir -p "$d/base" "$d/curr"
  ln -s "$(realpath "$gate_base_bench")" "$d/base/maskbench-bench"
  ln -s "$(realpath "$gate_current_bin/maskbench-bench")" "$d/curr/maskbench-bench"
}

# gate_run_side SIDE BIN ROUND CHUNK FILTER: one sample file, written through
# a temporary and renamed; a base binary that fails leaves none (its pairs are
# then unpaired, which the analysis counts), a current one that fails stops
# the gate.
gate_run_side() {
  local side="$1" bin="$2" round="$3" chunk="$4" filter="$5" name rc=0 t pad
  name=$(printf '%s-r%03d-c%03d' "$side" "$round" "$chunk")
  pad=$(gate_layout_pad "$round" "$chunk" "$side")
  make_temp t "$results_dir/samples/$name.json"
  local args=(--benchmark_filter="$filter" --benchmark_out="$t"
    --benchmark_out_format=json --benchmark_repetitions="$gate_repetitions"
    --benchmark_min_time="$gate_min_time" --benchmark_enable_random_interleaving=true)
  [ $gate_quick -eq 1 ] && args+=(--quick)
  run_child "$results_dir/logs/$name.log" "" env MASKBENCH_GATE_LAYOUT_PAD="$(printf '%*s' "$pad" '')" "$bin" "${args[@]}" || rc=$?
  if [ $rc -eq 0 ] && [ -s "$t" ]; then
    commit_temp "$t" "$results_dir/samples/$name.json"
    return 0
  fi
  remove_temps
  [ "$side" = base ] || die 1 "gate: the current benchmark binary failed (exit $rc) in round $round, chunk $chunk; see $results_dir/logs/$name.log"
  echo "run_all.sh: gate: the base benchmark binary failed (exit $rc) in round $round, chunk $chunk; its samples are unpaired (see $results_dir/logs/$name.log)" >&2
}

# gate_rounds NAMES_FILE FIRST LAST: rounds FIRST..LAST of the names in
# NAMES_FILE, in chunks of at most gate_chunk_size.
gate_rounds() {
  local names="$1" first="$2" last="$3" round chunk n chunks filter side order
  n=$(wc -l < "$names")
  chunks=$(( (n + gate_chunk_size - 1) / gate_chunk_size ))
  # Equal chunks rather than full ones and a remainder.
  local per=$(( (n + chunks - 1) / chunks ))
  for ((round = first; round <= last; round++)); do
    local line="round $round:"
    for ((chunk = 1; chunk <= chunks; chunk++)); do
      filter=$(sed -n "$(( (chunk - 1) * per + 1 )),$(( chunk * per ))p" "$names" | gate_exact_filter)
      side=$(gate_first "$round" "$chunk")
      gate_order+=("{\"round\":$round,\"chunk\":$chunk,\"first\":\"$side\"}")
      line+=" c$chunk:$side"
      if [ "$side" = base ]; then order="base current"; else order="current base"; fi
      for side in $order; do
        if [ "$side" = base ]; then
          gate_run_side base "$results_dir/bin/base/maskbench-bench" "$round" "$chunk" "$filter"
        else
          gate_run_side current "$results_dir/bin/curr/maskbench-bench" "$round" "$chunk" "$filter"
        fi
      done
    done
    echo "[$(elapsed)] $line first" >&2
  done
}

# The base commit's tree and build, cached in .gate-base/<commit>/ and reused
# by a later gate of the same commit. ccache hashes paths relative to each
# tree, so the base build reuses the current build's objects where the
# sources match.
gate_build_base() {
  local dir="$here/.gate-base/$gate_base_commit"
  mkdir -p "$here/.gate-base"
  git -C "$here" worktree prune
  if [ ! -e "$dir/.git" ] || [ "$(git -C "$dir" rev-parse HEAD 2>/dev/null)" != "$gate_base_commit" ]; then
    # A directory left by an interrupted checkout is not reused.
    [ ! -e "$dir" ] || git -C "$here" worktree remove --force "$dir" 2>/dev/null || rm -rf -- "$dir"
    git -C "$here" worktree prune
    step "checking out the base $gate_base_ref ($gate_base_commit) in ${dir#"$here"/}/"
    git -C "$here" worktree add --detach "$dir" "$gate_base_commit" >/dev/null 2>&1 ||
      die 4 "gate: git worktree add of $gate_base_commit into $dir failed"
  fi
  step "building the base's benchmark binary in ${dir#"$here"/}/build/"
  local type_arg=()
  [ -f "$dir/build/CMakeCache.txt" ] || type_arg=(-DCMAKE_BUILD_TYPE=Release)
  (export CCACHE_BASEDIR="$dir"
   cmake -S "$dir" -B "$dir/build" "${type_arg[@]}" >/dev/null &&
   cmake --build "$dir/build" -j "$(nproc)" --target maskbench-bench >&2) ||
    die 4 "gate: the base commit's build failed (see the messages above)"
  gate_base_bench="$dir/build/bin/maskbench-bench"
  [ -x "$gate_base_bench" ] || die 4 "gate: the base commit's build has no bin/maskbench-bench"
}

run_gate() {
  [ $# -ge 1 ] && [[ "$1" != -* ]] || gate_refuse "BASE_REF is missing"
  gate_base_ref="$1"; shift
  gate_threshold=0.05 gate_alpha=0.05 gate_quick=0 gate_filter="" gate_seed="" gate_out="" gate_repetitions=$gate_default_repetitions
  local rounds="" max_rounds="" budget="" opt value
  while [ $# -gt 0 ]; do
    opt="$1"
    case "$opt" in
      --quick) gate_quick=1; shift; continue ;;
      -h|--help) usage; exit 0 ;;
      --*=*) value="${opt#*=}"; opt="${opt%%=*}"; shift ;;
      --*) [ $# -ge 2 ] || gate_refuse "$opt needs a value"; value="$2"; shift 2 ;;
      *) gate_refuse "unexpected argument '$opt'" ;;
    esac
    case "$opt" in
      --threshold) gate_threshold=$(gate_fraction --threshold "$value" 1 10) || exit 2 ;;
      --alpha) gate_alpha=$(gate_fraction --alpha "$value" 0 0.5) || exit 2 ;;
      --rounds) rounds=$(gate_count --rounds "$value" 2 1000) || exit 2 ;;
      --repetitions) gate_repetitions=$(gate_count --repetitions "$value" 1 100) || exit 2 ;;
      --max-rounds) max_rounds=$(gate_count --max-rounds "$value" 2 10000) || exit 2 ;;
      --budget) budget=$(gate_count --budget "$value" 1 604800) || exit 2 ;;
      --seed) gate_seed=$(gate_count --seed "$value" 0 999999999) || exit 2 ;;
      --filter) gate_filter="$value" ;;
      --out) [ -n "$value" ] || gate_refuse "--out needs a directory"; gate_out="$value" ;;
      *) gate_refuse "unknown option '$opt'" ;;
    esac
  done
  if [ -n "$gate_filter" ]; then
    ! LC_ALL=C grep -q '[[:cntrl:]]' <<<"$gate_filter" || gate_refuse "--filter holds a control character"
    iconv -f UTF-8 -t UTF-8 <<<"$gate_filter" >/dev/null 2>&1 || gate_refuse "--filter is not UTF-8"
    local grc=0
    echo | grep -Eq -- "$gate_filter" 2>/dev/null || grc=$?
    [ $grc -le 1 ] || gate_refuse "--filter '$gate_filter' is not a valid regular expression"
  fi
  # The paired test can flag nothing below 2^-n < alpha / (M x hypotheses):
  # with about 250 benchmarks and families, a look needs at least 13 rounds
  # alone (M = 1) and 15 when four looks share alpha. --quick: 16 rounds and
  # one more batch (M = 2), so that the whole gate, builds with a warm ccache
  # included, fits in about 10 minutes on a 2-core machine; otherwise the
  # schedule that caught 94% of 2T slowdowns in the simulation (20 + 20 + 20
  # + 20, M = 4; reports/tests/paired_simulation_test.cpp).
  if [ $gate_quick -eq 1 ]; then
    gate_rounds=${rounds:-16} gate_budget=${budget:-600}
    gate_max_rounds=${max_rounds:-$((2 * gate_rounds))}
  else
    gate_rounds=${rounds:-20} gate_budget=${budget:-3600}
    gate_max_rounds=${max_rounds:-$((4 * gate_rounds))}
  fi
  # One round's measuring time per benchmark and side stays 10 ms (--quick)
  # or 20 ms whatever the repetitions: 8 make 1.25 ms each.
  gate_min_time=$(awk -v r="$gate_repetitions" -v q="$gate_quick" 'BEGIN { printf "%.6g\n", (q ? 0.01 : 0.02) / r }')
  [ "$gate_max_rounds" -ge "$gate_rounds" ] || gate_refuse "--max-rounds $gate_max_rounds is below --rounds $gate_rounds"
  [ -n "$gate_seed" ] || gate_seed=$(( $(od -An -N4 -tu4 /dev/urandom) % 1000000000 ))

  git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1 || die 2 "gate: $here is not a git checkout"
  gate_base_commit=$(git -C "$here" rev-parse --verify --quiet --end-of-options "$gate_base_ref^{commit}") ||
    die 2 "gate: BASE_REF '$gate_base_ref' does not name a commit of this repository"
  gate_current_commit=$(git -C "$here" rev-parse HEAD)
  [ -z "$(git -C "$here" status --porcelain --untracked-files=no)" ] || gate_current_commit+="-dirty"

  install_packages
  [ -n "$gate_out" ] || gate_out="results/gate-$(hostname)-$(date -u +%Y%m%dT%H%M%SZ)"
  if [ -e "$gate_out/gate-run.json" ] && [ ! -e "$gate_out/INCOMPLETE" ]; then
    die 2 "'$gate_out' already holds an earlier gate; choose another --out or remove it"
  fi
  if [ -d "$gate_out/samples" ] && [ -n "$(ls -A "$gate_out/samples")" ]; then
    die 2 "'$gate_out/samples' already holds samples of another gate; choose another --out or remove it"
  fi
  mkdir -p "$gate_out/samples" "$gate_out/logs" 2>/dev/null || die 2 "cannot create the gate directory '$gate_out'"
  [ -w "$gate_out" ] || die 2 "the gate directory '$gate_out' is not writable"
  results_dir="$gate_out"
  result_files=(gate-run.json conformance.json conformance.log verdict.json gate.md gate.html undecided.txt undecided.filter)
  mark_incomplete "gate in progress or killed (started $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo "[$(elapsed)] gate: base $gate_base_ref ($gate_base_commit), current $gate_current_commit; seed $gate_seed (--seed $gate_seed replays the order)" >&2

  # MASKBENCH_GATE_CURRENT_BIN and MASKBENCH_GATE_BASE_BIN name directories of
  # already-built binaries and skip that side's build: for the tests only.
  phase="the build"
  if [ -n "${MASKBENCH_GATE_CURRENT_BIN:-}" ]; then
    gate_current_bin="$MASKBENCH_GATE_CURRENT_BIN"
  else
    step "building the current tree in ${build_dir}/"
    local type_arg=()
    [ -f "$build_dir/CMakeCache.txt" ] || type_arg=(-DCMAKE_BUILD_TYPE=Release)
    cmake -S . -B "$build_dir" "${type_arg[@]}" >/dev/null || die 4 "cmake configuration failed (see the messages above)"
    cmake --build "$build_dir" -j "$(nproc)" --target maskbench maskbench-bench maskbench-conformance >&2 ||
      die 4 "the build failed (see the compiler messages above)"
    gate_current_bin="$build_dir/bin"
  fi
  "$gate_current_bin/maskbench" --help 2>/dev/null | grep -q '^  paired ' ||
    die 2 "gate: $gate_current_bin/maskbench has no 'paired' command"
  if [ -n "${MASKBENCH_GATE_BASE_BIN:-}" ]; then
    gate_base_bench="$MASKBENCH_GATE_BASE_BIN/maskbench-bench"
  else
    gate_build_base
  fi

  phase="conformance"
  step "running conformance of the current build"
  local conf_rc=0 level="${MASKBENCH_CONFORMANCE_LEVEL:-}"
  [ $gate_quick -eq 0 ] || level="${level:-smoke}"
  local conf_log conf_json
  make_temp conf_log "$gate_out/conformance.log"
  make_temp conf_json "$gate_out/conformance.json"
  run_child "$conf_log" "" env MASKBENCH_CONFORMANCE_LEVEL="$level" \
    "$gate_current_bin/maskbench-conformance" --gtest_output="json:$conf_json" || conf_rc=$?
  commit_temp "$conf_log" "$gate_out/conformance.log"
  [ -s "$conf_json" ] ||
    die 1 "the conformance binary stopped before writing its results (exit $conf_rc); see $gate_out/conformance.log"
  commit_temp "$conf_json" "$gate_out/conformance.json"
  tail -n 3 "$gate_out/conformance.log" >&2

  phase="the benchmark list"
  gate_list "$gate_base_bench" "$gate_out/benchmarks-base.txt"
  gate_list "$gate_current_bin/maskbench-bench" "$gate_out/benchmarks-current.txt"
  # Current's order, then what only the base has: a name on one side only
  # runs on that side only, and the analysis lists it.
  awk '!seen[$0]++' "$gate_out/benchmarks-current.txt" "$gate_out/benchmarks-base.txt" > "$gate_out/benchmarks.txt"
  local n only_base only_current
  n=$(wc -l < "$gate_out/benchmarks.txt")
  [ "$n" -gt 0 ] || die 2 "gate: no benchmark matches the filter on either side"
  only_base=$(grep -cvxFf "$gate_out/benchmarks-current.txt" "$gate_out/benchmarks-base.txt" || true)
  only_current=$(grep -cvxFf "$gate_out/benchmarks-base.txt" "$gate_out/benchmarks-current.txt" || true)
  echo "[$(elapsed)] $n benchmarks; only in the base: $only_base, only in the current tree: $only_current (benchmarks-base.txt, benchmarks-current.txt)" >&2

  # Looks: one after the first rounds, then one after each further batch of
  # as many rounds, up to --max-rounds.
  local max_looks=$(( 1 + (gate_max_rounds - gate_rounds + gate_rounds - 1) / gate_rounds ))
  local look=1 last_round=0 first_round=1 upto=$gate_rounds batch_s t0 names="$gate_out/benchmarks.txt" rc=0 final
  local per_ms next_rounds
  gate_order=()
  gate_side_paths
  while :; do
    phase="benchmark rounds $first_round-$upto"
    step "rounds $first_round-$upto of $(wc -l < "$names") benchmarks, base and current interleaved"
    t0=$(date +%s)
    gate_rounds "$names" "$first_round" "$upto"
    batch_s=$(( $(date +%s) - t0 ))
    last_round=$upto
    # The cost of one benchmark on one side in one round, startup included,
    # from the batch just run; each process gets a second more for its
    # startup and set-up (vera builds its layers, up to 270 MB).
    per_ms=$(( batch_s * 1000 / (2 * (upto - first_round + 1) * $(wc -l < "$names")) ))
    next_rounds=$(( gate_max_rounds - last_round < gate_rounds ? gate_max_rounds - last_round : gate_rounds ))
    # A look is the last when no further batch could run: the rounds allowed
    # are used, or not even one benchmark's next batch fits in the budget.
    # The last look is analysed as look M of M, so that it spends what is
    # left of alpha; a batch that does not fit for the undecided benchmarks
    # found at a look leaves them undecided.
    final=0
    if [ $look -ge $max_looks ] || [ $next_rounds -le 0 ] ||
       [ $(( $(date +%s) - start_s + next_rounds * 2 * (per_ms + 1000) / 1000 )) -gt "$gate_budget" ]; then
      final=1
    fi
    gate_write_run_record
    phase="the analysis"
    rm -f "$gate_out/INCOMPLETE"
    local k=$look
    [ $final -eq 0 ] || k=$max_looks
    step "analysis, look $k of $max_looks"
    rc=0
    "$gate_current_bin/maskbench" paired "$gate_out" --threshold "$gate_threshold" --alpha "$gate_alpha" \
      --look "$k" --max-looks "$max_looks" || rc=$?
    [ $rc -le 1 ] || break
    [ $final -eq 0 ] && [ -s "$gate_out/undecided.filter" ] || break
    mark_incomplete "gate in progress or killed (look $look done)"
    # Only names the gate selected: the list is the analysis's output.
    grep -xFf "$gate_out/benchmarks.txt" "$gate_out/undecided.txt" > "$gate_out/undecided-run.txt" || true
    names="$gate_out/undecided-run.txt"
    [ -s "$names" ] || break
    local u chunks est
    u=$(wc -l < "$names")
    chunks=$(( (u + gate_chunk_size - 1) / gate_chunk_size ))
    est=$(( next_rounds * 2 * (u * per_ms + chunks * 1000) / 1000 ))
    if [ $(( $(date +%s) - start_s + est )) -gt "$gate_budget" ]; then
      echo "[$(elapsed)] $next_rounds more rounds of the $u undecided benchmarks (about ${est} s) do not fit in the budget of ${gate_budget} s; they stay undecided" >&2
      break
    fi
    look=$((look + 1))
    first_round=$((last_round + 1))
    upto=$((last_round + next_rounds))
  done
  rm -f "$gate_out/undecided-run.txt"
  rm -rf -- "$gate_out/bin"
  completed=1
  echo "[$(elapsed)] gate written to $gate_out (gate.md, gate.html, verdict.json)" >&2
  echo "$gate_out"
  [ $rc -ne 2 ] || exit 2
  [ $conf_rc -eq 0 ] || die 1 "conformance of the current build failed; see $gate_out/conformance.log"
  exit $rc
}
