#!/usr/bin/env bash
# The README's Tour as one script: every command as written, nothing to fill in. It works in
# a temporary directory that it removes at the end, and starts `secctl serve` on a free
# loopback port (stopped at the end). Needs only secctl (openssl, when present, confirms the
# certificates independently).
#
#   cargo install --path . && bash examples/tour.sh          # secctl on PATH
#   SECCTL=target/debug/secctl bash examples/tour.sh          # or a built binary
#
# tests/examples.rs runs it; it exits non-zero at the first step that does not do what the
# comment above it says.
set -euo pipefail
secctl=${SECCTL:-secctl}
command -v "$secctl" >/dev/null || { echo "tour: $secctl not found: cargo install --path . (or set SECCTL)" >&2; exit 2; }
work=$(mktemp -d)
serve_pid=
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
export SECCTL_DIR="$work/pki"   # the state directory (same as --dir)
export NO_COLOR=1
step() { printf '\n== %s\n' "$*"; }
run() { printf '$ secctl %s\n' "$*"; "$secctl" "$@"; }

step "1. A private CA: a root and an intermediate that signs everything afterwards"
run ca init --name Demo --trust-domain demo.example --intermediate
run ca show

step "2. A node certificate (server and client, role gitaly) and a client certificate (role gitlab)"
run cert node node-1 --host localhost --host 127.0.0.1 --role gitaly
run cert client rails --role gitlab
run cert list
run cert show node-1

step "3. Verify offline: chain, validity, usage, CRL, host and role"
run verify pki/certs/node-1/node-1.crt --host localhost --role gitaly --usage server
if command -v openssl >/dev/null; then
    echo "\$ openssl verify -crl_check_all ...   # a second opinion"
    openssl verify -CAfile pki/ca.crt -untrusted pki/certs/node-1/node-1.crt \
        -CRLfile pki/crl.pem -crl_check_all -purpose sslserver pki/certs/node-1/node-1.crt
fi

step "4. Serve node-1 on a free loopback port, client certificates required"
"$secctl" serve --name node-1 --listen 127.0.0.1:0 --client-auth required > serve.out 2> serve.err &
serve_pid=$!
addr=
for _ in $(seq 100); do
    addr=$(sed -n 's/^listening on \([^ ]*\) .*/\1/p' serve.out)
    [ -n "$addr" ] && break
    sleep 0.1
done
[ -n "$addr" ] || { cat serve.err >&2; echo "tour: serve did not start" >&2; exit 1; }
echo "serve listens on $addr"

step "5. Probe it as the client rails: every transport encrypted, mTLS enforced (--strict: exit 1 otherwise)"
run probe "$addr" --servername localhost --strict \
    --cert pki/certs/rails/rails.crt --key pki/certs/rails/rails.key

step "6. Verify the live server: its certificate, its role, and that it accepts rails"
run verify "$addr" --servername localhost --role gitaly \
    --cert pki/certs/rails/rails.crt --key pki/certs/rails/rails.key

step "7. Revoke rails; the CRL is republished and verify now fails (exit 1)"
run --yes revoke rails --reason keyCompromise
set +e
run verify pki/certs/rails/rails.crt --usage client
status=$?
set -e
[ "$status" = 1 ] || { echo "tour: verify of a revoked certificate exited $status, expected 1" >&2; exit 1; }

step "8. Rotate the CA (the old root stays in the trust bundle), then renew node-1 from the new one"
run --yes ca rotate
run --yes cert renew node-1 --revoke-old
run cert list

step "9. Split a secret into 2-of-3 Shamir shares and combine two of them back"
head -c 32 /dev/urandom > secret.bin
chmod 600 secret.bin
run key split secret.bin --threshold 2 --shares 3 --out shares
run key combine shares/share-1-of-3.txt shares/share-3-of-3.txt --out restored.bin
cmp secret.bin restored.bin && echo "restored.bin is identical to secret.bin"

printf '\ntour complete\n'
