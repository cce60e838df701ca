#!/usr/bin/env bash
# Benchmark: wall time of one `secctl cert node` process against the openssl CLI sequence a
# user would otherwise run for the same certificate (genpkey, req, x509 -req), measured in
# the same run on the same disk with hyperfine (apt-get install hyperfine).
#
#   bash benches/cert_node_vs_openssl.sh [RUNS]      (default 50 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

"$bin" --dir pki ca init --name Prod >/dev/null
cat > ext.cnf <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:db1.prod.local, IP:10.0.0.7, URI:spiffe://prod.local/praefect/db1
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
EXT

secctl_cmd="$bin --dir pki cert node db1 --host db1.prod.local --host 10.0.0.7 --role praefect --force"
openssl_cmd="openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out db1.key \
 && openssl req -new -key db1.key -subj /O=Prod/OU=praefect/CN=db1 -out db1.csr \
 && openssl x509 -req -in db1.csr -CA pki/ca.crt -CAkey pki/ca/root.key -CAcreateserial \
    -days 365 -extfile ext.cnf -out db1.crt 2>/dev/null"

hyperfine --style basic --warmup 3 --runs "$runs" --export-json result.json \
    -n "secctl cert node" "$secctl_cmd" -n "openssl genpkey+req+x509" "$openssl_cmd" >/dev/null
# Both results must be real certificates.
openssl verify -CAfile pki/ca.crt db1.crt pki/certs/db1/db1.crt >/dev/null

python3 - <<'PY'
import json
r = {x["command"]: x for x in json.load(open("result.json"))["results"]}
s, o = r["secctl cert node"], r["openssl genpkey+req+x509"]
print(f"runs: {len(s['times'])} each (ECDSA P-256 node certificate, 2 SANs + SPIFFE URI, same disk)")
print(f"secctl cert node (one process, fsynced atomic writes): median {s['median']*1e3:.2f} ms")
print(f"openssl genpkey + req + x509 -req (three processes):    median {o['median']*1e3:.2f} ms")
print(f"ratio openssl/secctl: {o['median']/s['median']:.1f}x")
PY
