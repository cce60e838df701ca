#!/usr/bin/env bash
# Benchmark: wall time of one `secctl cert node` process against the openssl CLI sequence a
# user would otherwise run for the same certificate (genpkey, req, x509 -req), measured in
# the same run on the same disk with hyperfine (apt-get install hyperfine). Also measured in
# the same run: `cert node` on a RAM-backed filesystem (/dev/shm: no disk wait), the durable
# floor (benches/durable_floor.rs: a minimal native process making the same durable writes,
# no crypto) on both, and the start of the secctl process alone (`secctl --version`).
# Target (issue 16): openssl / secctl >= 15x.
#
#   bash benches/cert_node_vs_openssl.sh [RUNS]      (default 50 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }
cargo build --release --quiet
. benches/lib.sh
floor=$(bench_exe durable_floor)
[ -x "$floor" ] || { echo "could not build benches/durable_floor.rs"; exit 1; }
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-bench.XXXXXX")
ram=$(mktemp -d /dev/shm/secctl-bench.XXXXXX)
trap 'rm -rf "$work" "$ram"' EXIT
cd "$work"

"$bin" --dir pki ca init --name Prod >/dev/null
"$bin" --dir "$ram/pki" ca init --name Prod >/dev/null
cat > ext.cnf <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:db1.prod.local, IP:10.0.0.7, URI:spiffe://prod.local/praefect/db1
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
EXT

node_args="cert node db1 --host db1.prod.local --host 10.0.0.7 --role praefect --force"
secctl_cmd="$bin --dir pki $node_args"
secctl_ram="$bin --dir $ram/pki $node_args"
openssl_cmd="openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out db1.key \
 && openssl req -new -key db1.key -subj /O=Prod/OU=praefect/CN=db1 -out db1.csr \
 && openssl x509 -req -in db1.csr -CA pki/ca.crt -CAkey pki/ca/root.key -CAcreateserial \
    -days 365 -extfile ext.cnf -out db1.crt 2>/dev/null"

# Single processes without a shell (-N: nothing to subtract); the openssl sequence needs
# one, and hyperfine subtracts the shell's own start.
hyperfine -N --style basic --warmup 3 --runs "$runs" --export-json result.json \
    -n "secctl cert node" "$secctl_cmd" -n "secctl cert node (RAM)" "$secctl_ram" \
    -n "floor" "$floor $work/floor" -n "floor (RAM)" "$floor $ram/floor" \
    -n "secctl --version" "$bin --version" >/dev/null
hyperfine --style basic --warmup 3 --runs "$runs" --export-json openssl.json \
    -n "openssl genpkey+req+x509" "$openssl_cmd" >/dev/null
# Both results must be real certificates.
openssl verify -CAfile pki/ca.crt db1.crt pki/certs/db1/db1.crt >/dev/null

python3 - <<'PY'
import json
r = {x["command"]: x["median"] * 1e3
     for f in ("result.json", "openssl.json") for x in json.load(open(f))["results"]}
s, o, sr = r["secctl cert node"], r["openssl genpkey+req+x509"], r["secctl cert node (RAM)"]
f, fr, v = r["floor"], r["floor (RAM)"], r["secctl --version"]
print("ECDSA P-256 node certificate, 2 SANs + SPIFFE URI; medians of the same run")
print(f"secctl cert node, disk (fsynced atomic writes): {s:6.2f} ms")
print(f"secctl cert node, RAM (/dev/shm):               {sr:6.2f} ms")
print(f"openssl genpkey + req + x509 -req, disk:        {o:6.2f} ms (three processes)")
print(f"durable floor (same writes, no crypto), disk:   {f:6.2f} ms; RAM {fr:.2f} ms")
print(f"secctl --version (process start alone):         {v:6.2f} ms")
print(f"secctl's own work above the floor: disk {s - f:.2f} ms, RAM {sr - fr:.2f} ms")
print(f"ratio openssl/secctl: {o / s:.1f}x on disk, {o / sr:.1f}x with secctl on RAM (target >= 15x)")
PY
