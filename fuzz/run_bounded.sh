#!/usr/bin/env bash
# A bounded libFuzzer run of one family, for ctest:
#   run_bounded.sh FUZZER FAMILY SEED_CORPUS SCRATCH_DIR SECONDS
# New inputs go to SCRATCH_DIR (libFuzzer writes into its first corpus
# directory), so the committed seed corpus stays as it is. Prints the number
# of executions; fails when the fuzzer fails or does not report them.
set -euo pipefail
fuzzer="$1" family="$2" seeds="$3" scratch="$4" seconds="$5"
mkdir -p "$scratch"
log="$scratch.log"
rc=0
MASKBENCH_FUZZ_FAMILY="$family" "$fuzzer" -max_total_time="$seconds" -runs=2000000 -timeout=20 \
  -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$scratch/" "$scratch" "$seeds" >"$log" 2>&1 || rc=$?
done_line=$(grep -E '^Done [0-9]+ runs' "$log" || true)
if [ $rc -ne 0 ] || [ -z "$done_line" ]; then
  tail -n 80 "$log"
  echo "fuzz_${family}: the fuzzer exited with status $rc (full log: $log)"
  exit 1
fi
echo "fuzz_${family}: ${done_line} (seed corpus $(ls "$seeds" | wc -l) inputs, family ${family})"
