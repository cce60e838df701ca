#!/usr/bin/env bash
# Benchmark: `secctl apply` of a 10,000-node inventory with the state on a three-member etcd
# cluster on loopback (--store etcd://...), against the directory store in the same run, and
# etcd's own write rate as the floor (a loop of `etcdctl put`, one process per put, and one
# `etcdctl txn` of 100 puts, as secctl writes back).
# Target (issue 16): the etcd store within 3x of the directory store.
#
#   bash benches/etcd_apply.sh [NODES] [RUNS]      (default 10000 nodes, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-10000}
runs=${2:-3}
command -v etcd >/dev/null && command -v etcdctl >/dev/null \
  || { echo "needs etcd and etcdctl (apt-get install etcd-server etcd-client)"; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-etcd-bench.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cp=(); pp=()
for i in 0 1 2; do cp+=("$(port)"); pp+=("$(port)"); done
initial="m0=http://127.0.0.1:${pp[0]},m1=http://127.0.0.1:${pp[1]},m2=http://127.0.0.1:${pp[2]}"
for i in 0 1 2; do
  etcd --name "m$i" --data-dir "$work/etcd-m$i" \
    --listen-client-urls "http://127.0.0.1:${cp[$i]}" --advertise-client-urls "http://127.0.0.1:${cp[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${pp[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${pp[$i]}" \
    --initial-cluster "$initial" --initial-cluster-token bench --quota-backend-bytes 8589934592 \
    > "$work/etcd-m$i.log" 2>&1 &
  pids+=($!)
done
eps="127.0.0.1:${cp[0]},127.0.0.1:${cp[1]},127.0.0.1:${cp[2]}"
for _ in $(seq 100); do etcdctl --endpoints="$eps" endpoint health >/dev/null 2>&1 && break; sleep 0.2; done

python3 - "$nodes" "$work" > "$work/fleet.yaml" <<'PY'
import sys
n, work = int(sys.argv[1]), sys.argv[2]
print("cluster: Fleet\ntrust_domain: fleet.local\ndefaults:\n  key_type: ecdsa-p256\n  days: 365\nnodes:")
for i in range(n):
    print(f"  - name: edge-{i:05d}\n    role: edge\n    hosts: [edge-{i:05d}.fleet.local]\n    out: {work}/out/edge-{i:05d}")
PY
printf 'bench passphrase 0123\n' > "$work/pw"; chmod 600 "$work/pw"
export SECCTL_PASSPHRASE_FILE="$work/pw"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { python3 -c 'import statistics,sys; print(round(statistics.median(map(int, sys.argv[1:]))))' "$@"; }

dir_ms=(); etcd_ms=()
for r in $(seq "$runs"); do
  # The directory store (encrypted CA key as on etcd).
  rm -rf "$work/pki" "$work/out"; sync
  "$bin" --dir "$work/pki" ca init --name Fleet --trust-domain fleet.local >/dev/null 2>&1
  t=$(date +%s%N); "$bin" --dir "$work/pki" -o json apply "$work/fleet.yaml" > "$work/dir.json"; dir_ms+=("$(ms "$t")")
  # The etcd store, a fresh prefix per run.
  rm -rf "$work/out" "$work/cache"; sync
  url="etcd://$eps/bench$r"
  SECCTL_CACHE_DIR="$work/cache" "$bin" --store "$url" ca init --name Fleet --trust-domain fleet.local >/dev/null 2>&1
  t=$(date +%s%N); SECCTL_CACHE_DIR="$work/cache" "$bin" --store "$url" -o json apply "$work/fleet.yaml" > "$work/etcd.json"; etcd_ms+=("$(ms "$t")")
  keys=$(etcdctl --endpoints="$eps" get --prefix "/bench$r/" --keys-only | grep -c . || true)
  # A second apply: nothing to do. On the machine that applied, its working copy is kept
  # (only keys and revisions are read); on a new machine the whole state is read.
  t=$(date +%s%N); SECCTL_CACHE_DIR="$work/cache" "$bin" --store "$url" apply --check "$work/fleet.yaml" >/dev/null; check_ms=$(ms "$t")
  rm -rf "$work/cache2"
  t=$(date +%s%N); SECCTL_CACHE_DIR="$work/cache2" "$bin" --store "$url" apply --check "$work/fleet.yaml" >/dev/null; check_new_ms=$(ms "$t")
  t=$(date +%s%N); SECCTL_CACHE_DIR="$work/cache2" "$bin" --store "$url" cert node extra-$r --host extra.fleet.local --out "$work/out/extra-$r" >/dev/null; node_ms=$(ms "$t")
done
created=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["created"])' "$work/etcd.json")

# etcd's own write rate: 200 etcdctl processes, and one transaction of 100 puts.
t=$(date +%s%N)
for i in $(seq 200); do etcdctl --endpoints="$eps" put "/floor/k$i" "$(head -c 1500 /dev/zero | tr '\0' x)" >/dev/null; done
put_ms=$(ms "$t")
txn="$work/txn"; { echo; for i in $(seq 100); do echo "put /floor/t$i $(head -c 1500 /dev/zero | tr '\0' y)"; done; echo; echo; } > "$txn"
t=$(date +%s%N); etcdctl --endpoints="$eps" txn < "$txn" >/dev/null; txn_ms=$(ms "$t")

d=$(median "${dir_ms[@]}"); e=$(median "${etcd_ms[@]}")
echo "apply of $nodes nodes ($created created; $keys keys on etcd), median of $runs runs:"
echo "  directory store:            ${d} ms   (runs: ${dir_ms[*]})"
echo "  etcd store (3 members):     ${e} ms   (runs: ${etcd_ms[*]})"
echo "  ratio etcd / directory:     $(python3 -c "print(f'{$e/$d:.2f}x')")   (target <= 3x)"
echo "  apply --check on etcd, same machine (working copy kept): ${check_ms} ms"
echo "  apply --check on etcd, new machine (reads the whole state): ${check_new_ms} ms"
echo "  then one cert node there (CA key decrypted, lock, write-back): ${node_ms} ms"
echo "etcd's own write rate (floor): etcdctl put x200: ${put_ms} ms ($(python3 -c "print(f'{200000/$put_ms:.0f}')") puts/s, one process each);"
echo "  one etcdctl txn of 100 puts of 1.5 KB: ${txn_ms} ms"
