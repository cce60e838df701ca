#!/usr/bin/env bash
# Run every fuzz target (or the ones named) for SECONDS each (default 600), two at a time,
# growing the committed corpus under fuzz/corpus/. Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
#   bash fuzz/run.sh            # every target, 10 minutes each
#   SECONDS_EACH=60 bash fuzz/run.sh verify shares
set -euo pipefail
cd "$(dirname "$0")"
each=${SECONDS_EACH:-600}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(certs verify keys shares inventory probe_answers recipients backup_manifest csr)
cargo +nightly fuzz build -O "${targets[@]:0:1}" >/dev/null
cargo +nightly fuzz build -O
mkdir -p logs
run() {
  local t=$1
  mkdir -p "corpus/$t"
  cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$each" -max_len=16384 \
    -rss_limit_mb=4096 -print_final_stats=1 >"logs/$t.log" 2>&1 \
    && echo "$t: ok ($(grep -E 'stat::number_of_executed_units' "logs/$t.log" | awk '{print $2}') runs)" \
    || { echo "$t: FAILED, see fuzz/logs/$t.log and fuzz/artifacts/$t/"; return 1; }
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  pids=()
  for t in "${targets[@]:i:2}"; do run "$t" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
done
exit $status
