#!/usr/bin/env bash
# The fuzzing campaign recorded in docs/fuzzing.md: each target in turn, at the lowest CPU
# priority, until it has run for SECONDS (default 900) or EXECS executions (default
# 1,000,000), whichever comes first. One line of figures per target goes to logs/summary.tsv.
#
#   fuzz/campaign.sh [SECONDS] [EXECS] [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seconds="${1:-900}"
execs="${2:-1000000}"
shift $(($# < 2 ? $# : 2))
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(cargo +nightly fuzz list)
[[ -d corpus ]] || ./seed.sh >/dev/null
mkdir -p logs
for target in "${targets[@]}"; do
    start=$(date +%s)
    # -a: debug assertions (overflow checks) on; no sanitizer: the crate forbids unsafe code.
    nice -n 19 cargo +nightly fuzz run --sanitizer none -a "$target" -- \
        -dict=gdaudit.dict -max_total_time="$seconds" -runs="$execs" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >"logs/$target.log" 2>&1 &&
        status=ok || status="FAILED($?)"
    elapsed=$(($(date +%s) - start))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -oE '(#[0-9]+|DONE).*cov: [0-9]+ ft: [0-9]+' "logs/$target.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || echo '?')
    corpus=$(ls "corpus/$target" | wc -l)
    printf '%s\t%s\t%s\t%ss\t%s\t%s\n' "$target" "$status" "$runs" "$elapsed" "$cov" "$corpus" | tee -a logs/summary.tsv
done
