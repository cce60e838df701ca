#!/usr/bin/env bash
# Benchmark: start-up bound commands on a RAM-backed filesystem (/dev/shm), against the
# tools a user would otherwise run, in the same run with hyperfine: `secctl ca init` and
# `secctl cert node` against mkcert (TRUST_STORES=none, -ecdsa), cfssl and the openssl CLI
# (one `openssl req` each), and `secctl --version` (the process start alone). Medians.
# Target (issue 30): `cert node` <= 2.0 ms median, and faster than mkcert in the same run.
# Installs hyperfine, mkcert and golang-cfssl with apt-get when they are missing (as root).
#
#   bash benches/startup.sh [RUNS]      (default 200 runs each)
#   SECCTL_BIN=path/to/release/secctl bash benches/startup.sh   (skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v mkcert >/dev/null || missing+=(mkcert)
command -v cfssl >/dev/null || missing+=(golang-cfssl)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    else
        echo "needs ${missing[*]} (apt-get install ${missing[*]})"; exit 2
    fi
fi
if [ -z "${SECCTL_BIN:-}" ]; then
    cargo build --release --quiet --bin secctl
    SECCTL_BIN=$PWD/target/release/secctl
fi
bin=$(cd "$(dirname "$SECCTL_BIN")" && pwd)/$(basename "$SECCTL_BIN")
ram=$(mktemp -d /dev/shm/secctl-startup.XXXXXX)
trap 'rm -rf "$ram"' EXIT
cd "$ram"

# The states every timed command issues from (made once; each command overwrites).
"$bin" --dir pki ca init --name Prod >/dev/null
mkdir -p mkcert-ca && CAROOT=$ram/mkcert-ca TRUST_STORES=none mkcert -install >/dev/null 2>&1
cat > ca-csr.json <<'JSON'
{"CN": "Prod", "key": {"algo": "ecdsa", "size": 256}, "names": [{"O": "Prod"}]}
JSON
cat > node-csr.json <<'JSON'
{"CN": "db1", "hosts": ["db1.prod.local", "10.0.0.7"], "key": {"algo": "ecdsa", "size": 256},
 "names": [{"O": "Prod", "OU": "praefect"}]}
JSON
cfssl genkey -initca ca-csr.json 2>/dev/null > ca.json
python3 -c 'import json; d = json.load(open("ca.json"))
open("cfssl-ca.pem", "w").write(d["cert"]); open("cfssl-ca-key.pem", "w").write(d["key"])'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=Prod/CN=Prod \
    -days 3650 -keyout ossl-ca.key -out ossl-ca.crt 2>/dev/null

export TRUST_STORES=none CAROOT=$ram/mkcert-ca
# Single processes without a shell (-N). `ca init` needs a fresh directory each run.
hyperfine -N --style basic --warmup 5 --runs "$runs" --export-json init.json \
    --prepare "rm -rf $ram/fresh" \
    -n "secctl ca init" "$bin --dir $ram/fresh ca init --name Prod" \
    -n "cfssl genkey -initca" "cfssl genkey -initca ca-csr.json" \
    -n "openssl req -x509 (CA)" "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=Prod/CN=Prod -days 3650 -keyout $ram/o.key -out $ram/o.crt" \
    >/dev/null 2>&1
hyperfine -N --style basic --warmup 5 --runs "$runs" --export-json node.json \
    -n "secctl cert node" "$bin --dir $ram/pki cert node db1 --host db1.prod.local --host 10.0.0.7 --role praefect --force" \
    -n "mkcert -ecdsa" "mkcert -ecdsa -cert-file $ram/m.crt -key-file $ram/m.key db1.prod.local 10.0.0.7" \
    -n "cfssl gencert" "cfssl gencert -ca cfssl-ca.pem -ca-key cfssl-ca-key.pem node-csr.json" \
    -n "openssl req -x509 -CA (node)" "openssl req -x509 -CA ossl-ca.crt -CAkey ossl-ca.key -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=Prod/OU=praefect/CN=db1 -addext subjectAltName=DNS:db1.prod.local,IP:10.0.0.7 -days 365 -keyout $ram/n.key -out $ram/n.crt" \
    -n "secctl --version" "$bin --version" \
    >/dev/null 2>&1
# Each result must be a real certificate.
openssl verify -CAfile pki/ca.crt pki/certs/db1/db1.crt >/dev/null
openssl verify -CAfile mkcert-ca/rootCA.pem m.crt >/dev/null
openssl verify -CAfile ossl-ca.crt n.crt >/dev/null

python3 - "$runs" "$(stat -c %s "$bin")" <<'PY'
import json, sys
runs, size = sys.argv[1], int(sys.argv[2])
r = {x["command"]: x for f in ("init.json", "node.json") for x in json.load(open(f))["results"]}
med = lambda n: r[n]["median"] * 1e3
print(f"medians of {runs} runs each, same run, on /dev/shm; secctl binary {size / 1e6:.1f} MB")
def show(name, ref):
    m = med(name)
    ratio = "" if name == ref else f"   {m / med(ref):5.2f}x secctl"
    print(f"  {name:30s} {m:7.2f} ms{ratio}")
print("CA (ECDSA P-256):")
for n in ("secctl ca init", "cfssl genkey -initca", "openssl req -x509 (CA)"):
    show(n, "secctl ca init")
print("node certificate (ECDSA P-256, 2 SANs):")
for n in ("secctl cert node", "mkcert -ecdsa", "cfssl gencert", "openssl req -x509 -CA (node)"):
    show(n, "secctl cert node")
print(f"  {'secctl --version':30s} {med('secctl --version'):7.2f} ms   (process start alone)")
s, m = med("secctl cert node"), med("mkcert -ecdsa")
ok = s <= 2.0 and s < m
print(f"target: cert node <= 2.0 ms and faster than mkcert: {s:.2f} ms vs mkcert {m:.2f} ms: "
      + ("met" if ok else "NOT met"))
PY
