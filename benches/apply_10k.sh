#!/usr/bin/env bash
# Benchmark: `secctl apply` on a 10,000-node inventory (ECDSA P-256), against
#  - the in-process limit measured in the same run (benches/apply_limit.rs: key generation,
#    signing and PEM encoding of the same 10,000 certificates on the same threads, no I/O);
#  - the openssl CLI loop for the same certificates (genpkey + req + x509 -req per node),
#    measured on a sample of 100 and scaled to 10,000.
# Targets (issue 6): apply within 2x of the limit, and >= 300x faster than the openssl loop.
#
#   bash benches/apply_10k.sh [NODES] [RUNS]      (default 10000 nodes, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-10000}
runs=${2:-3}
sample=100
cargo build --release --quiet
cargo bench --quiet --bench apply_limit --no-run 2>/dev/null
. benches/lib.sh
native_floor=$(bench_exe durable_floor)
[ -x "$native_floor" ] || { echo "could not build benches/durable_floor.rs"; exit 1; }
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$nodes" > "$work/fleet.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("cluster: Fleet\ntrust_domain: fleet.local\ndefaults:\n  key_type: ecdsa-p256\n  days: 365\nnodes:")
for i in range(n):
    print(f"  - name: edge-{i:05d}\n    role: edge\n    hosts: [edge-{i:05d}.fleet.local, 10.{i//65536%256}.{i//256%256}.{i%256}]")
PY

# 1. apply, fresh state directory each run (the CA is made beforehand: not part of the figure).
apply_ms=()
for r in $(seq "$runs"); do
  rm -rf "$work/pki" "$work/out"; sync
  "$bin" --dir "$work/pki" ca init --name Fleet --trust-domain fleet.local >/dev/null
  sync
  start=$(date +%s%N)
  "$bin" --dir "$work/pki" -o json apply "$work/fleet.yaml" > "$work/apply.json"
  end=$(date +%s%N)
  apply_ms+=($(( (end - start) / 1000000 )))
done
created=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"].get("created",0))' "$work/apply.json")
[ "$created" = "$nodes" ] || { echo "apply created $created of $nodes"; exit 1; }
# What was written is real: openssl accepts a sample.
for i in 00000 $(printf '%05d' $((nodes / 2))) $(printf '%05d' $((nodes - 1))); do
  openssl verify -CAfile "$work/pki/ca.crt" "$work/pki/certs/edge-$i/edge-$i.crt" >/dev/null
done
# 2. The idempotent re-run (nothing to do: reads and checks every delivered file).
start=$(date +%s%N)
"$bin" --dir "$work/pki" -o json apply "$work/fleet.yaml" > "$work/again.json"
end=$(date +%s%N)
again_ms=$(( (end - start) / 1000000 ))

# 3. The in-process limit, same machine, same run.
limit_out=$(cargo bench --quiet --bench apply_limit -- "$nodes" 2>/dev/null)
limit_ms=$(awk '/^limit_parallel_ms/ {print $2}' <<<"$limit_out")
limit_single_ms=$(awk '/^limit_single_thread_ms/ {print $2}' <<<"$limit_out")

# 4. The filesystem floor, same run: the same directories and files apply writes (a
#    directory and 5 files per certificate: the name index, the record with the certificate,
#    key, chain and bundle; each through a temporary file and a rename),
#    without signing, by a minimal Python loop: once without any sync, once made durable
#    with a sync per 1,024 certificates as apply does.
rm -rf "$work/floor"; mkdir -p "$work/floor/certs" "$work/floor/issued" "$work/floor/names"
floor() {
python3 - "$nodes" "$work/floor" "$1" <<'PY'
import os, sys, time
n, root, durable = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "durable"
fl = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC
t = time.monotonic()
for i in range(n):
    d = f"{root}/certs/edge-{i:05d}"
    os.mkdir(d, 0o700)
    for p, size in ((f"{root}/names/edge-{i:05d}", 33), (f"{root}/issued/{i:032x}.json", 1450),
                    (f"{d}/edge.key", 241), (f"{d}/edge.crt", 800), (f"{d}/ca.crt", 600)):
        tmp = os.path.join(os.path.dirname(p), "." + os.path.basename(p) + ".tmp")
        fd = os.open(tmp, fl, 0o600); os.write(fd, b"x" * size); os.close(fd)
        os.rename(tmp, p)
    if durable and i % 1024 == 1023:
        os.sync()
if durable:
    os.sync()
print(int((time.monotonic() - t) * 1000))
PY
}
floor_ms=$(floor plain)
rm -rf "$work/floor"; mkdir -p "$work/floor/certs" "$work/floor/issued" "$work/floor/names"; sync
durable_floor_ms=$(floor durable)
rm -rf "$work/floor"; sync
# The same, native (benches/durable_floor.rs), committed by chunks as apply does.
native_floor_ms=$("$native_floor" fleet "$nodes" "$work/floor")
rm -rf "$work/floor"

# 5. The openssl CLI loop on a sample, scaled.
mkdir -p "$work/ossl" && cd "$work/ossl"
cat > ext.cnf <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
EXT
start=$(date +%s%N)
for i in $(seq -f '%05g' 0 $((sample - 1))); do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "edge-$i.key" 2>/dev/null
  openssl req -new -key "edge-$i.key" -subj "/O=Fleet/OU=edge/CN=edge-$i" -out "edge-$i.csr"
  printf 'subjectAltName = DNS:edge-%s.fleet.local, URI:spiffe://fleet.local/edge/edge-%s\n' "$i" "$i" > "san-$i.cnf"
  cat ext.cnf "san-$i.cnf" > "ext-$i.cnf"
  openssl x509 -req -in "edge-$i.csr" -CA "$work/pki/ca.crt" -CAkey "$work/pki/ca/root.key" \
    -CAcreateserial -days 365 -extfile "ext-$i.cnf" -out "edge-$i.crt" 2>/dev/null
done
end=$(date +%s%N)
openssl verify -CAfile "$work/pki/ca.crt" "edge-00000.crt" >/dev/null
ossl_sample_ms=$(( (end - start) / 1000000 ))

python3 - "$nodes" "$sample" "$ossl_sample_ms" "$limit_ms" "$limit_single_ms" "$again_ms" "$floor_ms" "$durable_floor_ms" "$native_floor_ms" "${apply_ms[@]}" <<'PY'
import statistics, sys
nodes, sample, ossl_ms = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
limit, single, again = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
floor, durable, native = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
runs = [int(x) for x in sys.argv[10:]]
apply = statistics.median(runs)
ossl = ossl_ms * nodes / sample
print(f"nodes: {nodes} (ECDSA P-256, 2 SANs + SPIFFE URI each)")
print(f"secctl apply (fresh, fsynced):   median {apply:.0f} ms of {len(runs)} runs {runs} = {nodes/apply*1e3:.0f} certs/s")
print(f"secctl apply again (unchanged):  {again} ms")
print(f"in-process limit (no I/O):       {limit:.0f} ms parallel, {single:.0f} ms on one thread")
print(f"filesystem floor (no crypto):    {floor} ms for the same {nodes} dirs + {5*nodes} files, no sync; {durable} ms synced per 1,024 (Python)")
print(f"native durable floor:            {native} ms (benches/durable_floor.rs: the same files, syncfs around each chunk of 1,024, one thread)")
print(f"openssl loop:                    {ossl_ms} ms for {sample}, scaled {ossl/1e3:.1f} s")
print(f"apply / limit:   {apply/limit:.2f}x   (target <= 2x); apply / (limit + native floor): {apply/(limit+native):.2f}x")
print(f"openssl / apply: {ossl/apply:.0f}x   (target >= 300x)")
PY
