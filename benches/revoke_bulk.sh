#!/usr/bin/env bash
# Benchmark: `secctl revoke` of N certificates in one call (target < 1 s for 1,000), against
# the old way, one `revoke` per certificate (per-call time measured on LOOP of them, and the
# loop's time for N scaled from it), in the same run. Each timed run starts from a copy of
# the same state directory (an intermediate CA with N client certificates issued by `apply`).
# Needs hyperfine (apt-get install hyperfine) and python3.
#
#   bash benches/revoke_bulk.sh [N] [LOOP]      (defaults 1000 and 100)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
loop=${2:-100}
runs=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }
command -v python3 >/dev/null || { echo "needs python3"; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

python3 - "$n" > inv.yaml <<'PY'
import sys
print("cluster: Bench\nca:\n  intermediate: true\nclients:")
for i in range(int(sys.argv[1])):
    print(f"  - name: c{i}\n    role: app")
PY
"$bin" --dir base apply inv.yaml >/dev/null
"$bin" --dir base -o json cert list | python3 -c '
import json, sys
with open("targets.txt", "w") as f:
    f.write("# every certificate, by serial\n")
    for c in json.load(sys.stdin):
        f.write(c["serial"] + "\n")'
head -n $((loop + 1)) targets.txt | tail -n "$loop" > loop.txt
count=$(grep -vc '^#' targets.txt)
[ "$count" = "$n" ] || { echo "expected $n certificates, found $count"; exit 1; }

# One call with every target.
hyperfine --style basic -N --runs "$runs" --export-json bulk.json \
    --prepare "bash -c 'rm -rf $work/run && cp -a $work/base $work/run'" \
    -n "revoke --from ($n targets)" "$bin --dir $work/run --yes revoke --from $work/targets.txt" >/dev/null
# The same, checked: every certificate revoked, one CRL published (number + 1).
rm -rf run && cp -a base run
before=$("$bin" --dir run -o json crl | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')
"$bin" --dir run --yes -o json revoke --from targets.txt > out.json
python3 - "$n" "$before" <<'PY'
import json, sys
r = json.load(open("out.json"))
n, before = int(sys.argv[1]), int(sys.argv[2])
assert len(r["revoked"]) == n, len(r["revoked"])
assert r["crl"]["number"] == before + 1, r["crl"]["number"]
PY
listed=$(openssl crl -in run/crl.pem -noout -text | grep -c "Serial Number:")
[ "$listed" = "$n" ] || { echo "crl.pem lists $listed, expected $n"; exit 1; }

# The old way: one process, one lock, one CRL per certificate.
hyperfine --style basic -N --runs 3 --export-json loop.json \
    --prepare "bash -c 'rm -rf $work/run && cp -a $work/base $work/run'" \
    -n "revoke loop ($loop calls)" \
    "bash -c 'while read -r s; do $bin --dir $work/run --yes revoke \$s >/dev/null; done < $work/loop.txt'" >/dev/null

python3 - "$n" "$loop" <<'PY'
import json, sys
n, loop = int(sys.argv[1]), int(sys.argv[2])
b = json.load(open("bulk.json"))["results"][0]
l = json.load(open("loop.json"))["results"][0]
per_call = l["median"] / loop
print(f"revoke of {n} targets in one call: median {b['median']:.3f} s "
      f"(min {b['min']:.3f}, max {b['max']:.3f})   target < 1 s: {'met' if b['median'] < 1 else 'MISSED'}")
print(f"one revoke per target: {per_call * 1e3:.1f} ms per call (median of a {loop}-call loop, "
      f"{l['median']:.2f} s); {n} calls ~ {per_call * n:.1f} s")
print(f"ratio loop/bulk for {n}: {per_call * n / b['median']:.0f}x")
PY
