#!/usr/bin/env bash
# Benchmark: a CRL with 100,000 revoked entries. Prints the time of `secctl crl` to build and
# sign it (target < 1 s; at 10,000 entries <= 15 ms, beside `openssl ca -gencrl`), of `secctl verify --crl` against it (target < 100 ms), and the
# ratio to `openssl verify -crl_check` on the same files, measured in the same run with
# hyperfine (apt-get install hyperfine).
#
#   bash benches/crl_100k.sh [ENTRIES]      (default 100000; issue #30 measures 10000)
#   SECCTL_BIN=path/to/release/secctl bash benches/crl_100k.sh 10000   (skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-100000}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }
if [ -z "${SECCTL_BIN:-}" ]; then
    cargo build --release --quiet
    SECCTL_BIN=$PWD/target/release/secctl
fi
bin=$(cd "$(dirname "$SECCTL_BIN")" && pwd)/$(basename "$SECCTL_BIN")
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

"$bin" --dir pki ca init --name Bench >/dev/null
"$bin" --dir pki cert client good --role r >/dev/null
"$bin" --dir pki cert client bad --role r >/dev/null
"$bin" --dir pki --yes revoke bad --reason keyCompromise >/dev/null
# The other revocations: random serials appended to the revocation log, as `revoke` writes
# it (serial, reason, time, and the issuing CA's fingerprint).
issuer=$(openssl x509 -noout -fingerprint -sha256 -in pki/ca/root.crt | cut -d= -f2)
python3 - "$entries" "$issuer" <<'PY'
import os, sys, time
n, t, fp = int(sys.argv[1]) - 1, int(time.time()), sys.argv[2]
with open("pki/revocations.log", "a") as f:
    for _ in range(n):
        b = bytearray(os.urandom(16)); b[0] = (b[0] & 0x7F) or 1
        f.write(f"{b.hex()} keyCompromise {t} {fp}\n")
PY
# The bench's own line and revoke's agree on the format.
test "$(head -1 pki/revocations.log | cut -d' ' -f4)" = "$issuer"
# The baseline: `openssl ca -gencrl` over the same number of revoked entries (its own
# P-256 CA and index.txt, as an openssl CA keeps them).
mkdir -p ossl
openssl ecparam -name prime256v1 -genkey -noout -out ossl/ca.key 2>/dev/null
openssl req -x509 -new -key ossl/ca.key -subj /CN=Bench -days 30 -out ossl/ca.crt 2>/dev/null
python3 - "$entries" <<'PY'
import os, sys, time
n = int(sys.argv[1])
exp = time.strftime("%y%m%d%H%M%SZ", time.gmtime(time.time() + 86400 * 365))
rev = time.strftime("%y%m%d%H%M%SZ", time.gmtime())
with open("ossl/index.txt", "w") as f:
    for _ in range(n):
        b = bytearray(os.urandom(16)); b[0] = (b[0] & 0x7F) or 1
        f.write(f"R\t{exp}\t{rev},keyCompromise\t{b.hex().upper()}\tunknown\t/CN=x\n")
with open("ossl/ca.cnf", "w") as f:
    f.write("[ca]\ndefault_ca = b\n[b]\ndatabase = ossl/index.txt\ncrlnumber = ossl/crlnumber\n"
            "certificate = ossl/ca.crt\nprivate_key = ossl/ca.key\ndefault_md = sha256\n"
            "default_crl_days = 30\n")
open("ossl/crlnumber", "w").write("01\n")
PY
hyperfine --style basic -N --warmup 1 --runs 10 --export-json gen.json -n "secctl crl" "$bin --dir pki crl" \
    -n "openssl ca -gencrl" "openssl ca -config ossl/ca.cnf -gencrl -out ossl/crl.pem" >/dev/null
test "$(openssl crl -in ossl/crl.pem -noout -text | grep -c 'Serial Number:')" = "$entries"
count=$(openssl crl -in pki/crl.pem -noout -text | grep -c "Serial Number:")
hyperfine --style basic -N -i --warmup 2 --runs 20 --export-json verify.json \
    -n "secctl verify (good)" "$bin --dir pki verify pki/certs/good/good.crt" \
    -n "secctl verify (revoked)" "$bin --dir pki verify pki/certs/bad/bad.crt" \
    -n "openssl verify -crl_check (good)" "openssl verify -crl_check -CAfile pki/ca.crt -CRLfile pki/crl.pem pki/certs/good/good.crt" \
    -n "openssl verify -crl_check (revoked)" "openssl verify -crl_check -CAfile pki/ca.crt -CRLfile pki/crl.pem pki/certs/bad/bad.crt" >/dev/null
# Both tools must reach the same verdicts.
"$bin" --dir pki verify pki/certs/good/good.crt >/dev/null
! "$bin" --dir pki verify pki/certs/bad/bad.crt >/dev/null
openssl verify -crl_check -CAfile pki/ca.crt -CRLfile pki/crl.pem pki/certs/good/good.crt >/dev/null
! openssl verify -crl_check -CAfile pki/ca.crt -CRLfile pki/crl.pem pki/certs/bad/bad.crt >/dev/null 2>&1

python3 - "$count" "$(stat -c %s pki/crl.pem)" <<'PY'
import json, sys
gr = {r["command"]: r for r in json.load(open("gen.json"))["results"]}
g, og = gr["secctl crl"], gr["openssl ca -gencrl"]
v = {r["command"]: r for r in json.load(open("verify.json"))["results"]}
ms = lambda r: r["median"] * 1e3
print(f"CRL: {sys.argv[1]} entries, {int(sys.argv[2]) / 1e6:.1f} MB PEM")
print(f"secctl crl (read log, sign, write):      median {ms(g):7.1f} ms   (target < 1000 ms at 100,000; <= 15 ms at 10,000)")
print(f"openssl ca -gencrl (same entries):       median {ms(og):7.1f} ms   ratio openssl/secctl {og['median'] / g['median']:.1f}x")
for case in ("good", "revoked"):
    s, o = v[f"secctl verify ({case})"], v[f"openssl verify -crl_check ({case})"]
    print(f"secctl verify --crl ({case:7}):          median {ms(s):7.1f} ms   (target < 100 ms)")
    print(f"openssl verify -crl_check ({case:7}):    median {ms(o):7.1f} ms   ratio openssl/secctl {o['median'] / s['median']:.1f}x")
PY
