#!/usr/bin/env bash
# Benchmark: a CRL with 100,000 revoked entries. Prints the time of `secctl crl` to build and
# sign it (target < 1 s), of `secctl verify --crl` against it (target < 100 ms), and the
# ratio to `openssl verify -crl_check` on the same files, measured in the same run with
# hyperfine (apt-get install hyperfine).
#
#   bash benches/crl_100k.sh [ENTRIES]      (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-100000}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

"$bin" --dir pki ca init --name Bench >/dev/null
"$bin" --dir pki cert client good --role r >/dev/null
"$bin" --dir pki cert client bad --role r >/dev/null
"$bin" --dir pki --yes revoke bad --reason keyCompromise >/dev/null
# The other revocations: random serials appended to the revocation log, as `revoke` writes it.
python3 - "$entries" <<'PY'
import os, sys, time
n, t = int(sys.argv[1]) - 1, int(time.time())
with open("pki/revocations.log", "a") as f:
    for _ in range(n):
        b = bytearray(os.urandom(16)); b[0] = (b[0] & 0x7F) or 1
        f.write(f"{b.hex()} keyCompromise {t}\n")
PY
hyperfine --style basic -N --warmup 1 --runs 10 --export-json gen.json -n "secctl crl" "$bin --dir pki crl" >/dev/null
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
g = json.load(open("gen.json"))["results"][0]
v = {r["command"]: r for r in json.load(open("verify.json"))["results"]}
ms = lambda r: r["median"] * 1e3
print(f"CRL: {sys.argv[1]} entries, {int(sys.argv[2]) / 1e6:.1f} MB PEM")
print(f"secctl crl (read log, sign, write):      median {ms(g):7.1f} ms   (target < 1000 ms)")
for case in ("good", "revoked"):
    s, o = v[f"secctl verify ({case})"], v[f"openssl verify -crl_check ({case})"]
    print(f"secctl verify --crl ({case:7}):          median {ms(s):7.1f} ms   (target < 100 ms)")
    print(f"openssl verify -crl_check ({case:7}):    median {ms(o):7.1f} ms   ratio openssl/secctl {o['median'] / s['median']:.1f}x")
PY
