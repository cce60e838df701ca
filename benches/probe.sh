#!/usr/bin/env bash
# Benchmark: the median time of a full probe (every row, three client identities: none,
# a throwaway certificate from an unknown CA, the given one; TLS versions 1.0 to 1.3) of one
# loopback `secctl serve`,
# the same checks done by hand with curl and openssl s_client (measured in the same run),
# and the time to probe 1,000 loopback endpoints (one `serve` process listening on 1,000
# ports). Needs hyperfine, curl and openssl.
#
#   bash benches/probe.sh [ENDPOINTS]      (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
for t in hyperfine curl openssl; do command -v $t >/dev/null || { echo "needs $t"; exit 2; }; done
cargo build --release --quiet
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-bench.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

"$bin" --dir pki ca init >/dev/null
"$bin" --dir pki cert node srv --host localhost --host 127.0.0.1 >/dev/null
"$bin" --dir pki cert client cli --role gitlab >/dev/null
# The "throwaway" identity of the by-hand run: a client from another CA.
"$bin" --dir other ca init --name Other >/dev/null
"$bin" --dir other cert client stranger --role gitlab >/dev/null

# One endpoint, mTLS required (the Synnax secure mode).
"$bin" --dir pki serve --name srv --client-auth required --listen 127.0.0.1:0 > one.out 2>/dev/null &
pids+=($!)
while ! grep -q listening one.out 2>/dev/null; do sleep 0.05; done
addr=$(awk '/listening on/ {print $3; exit}' one.out)
port=${addr##*:}
printf '\0\0\0\0\0' > empty.grpc
cat > by_hand.sh <<HAND
c="--cacert pki/ca.crt"
u=https://localhost:$port
curl -s -o /dev/null -m 3 -w '%{http_code} %{redirect_url}\n' http://127.0.0.1:$port/ || true
curl -s -o /dev/null -m 3 --http2-prior-knowledge http://127.0.0.1:$port/ || true
curl -s -o /dev/null -m 3 --http2-prior-knowledge -X POST -H 'content-type: application/grpc' --data-binary @empty.grpc http://127.0.0.1:$port/grpc.health.v1.Health/Check || true
openssl s_client -connect 127.0.0.1:$port -servername localhost -tls1_2 -CAfile pki/ca.crt < /dev/null > /dev/null 2>&1 || true
openssl s_client -connect 127.0.0.1:$port -servername localhost -tls1_1 -cipher 'ALL:@SECLEVEL=0' < /dev/null > /dev/null 2>&1 || true
openssl s_client -connect 127.0.0.1:$port -servername localhost -tls1 -cipher 'ALL:@SECLEVEL=0' < /dev/null > /dev/null 2>&1 || true
for id in "" "--cert other/certs/stranger/stranger.crt --key other/certs/stranger/stranger.key" "--cert pki/certs/cli/cli.crt --key pki/certs/cli/cli.key"; do
  openssl s_client -connect 127.0.0.1:$port -servername localhost -alpn h2,http/1.1 -CAfile pki/ca.crt \$id < /dev/null > /dev/null 2>&1 || true
  curl -s -o /dev/null -m 3 --http1.1 \$c \$id \$u/ || true
  curl -s -o /dev/null -m 3 --http2 \$c \$id \$u/ || true
  curl -s -o /dev/null -m 3 --http2 \$c \$id -X POST -H 'content-type: application/grpc' --data-binary @empty.grpc \$u/grpc.health.v1.Health/Check || true
done
HAND
probe_cmd="$bin --dir pki probe $addr --cert pki/certs/cli/cli.crt --key pki/certs/cli/cli.key --servername localhost"
$probe_cmd --strict >/dev/null   # the probe must see mTLS enforced
hyperfine --style basic -N --warmup 3 --runs 30 --export-json one.json -n probe "$probe_cmd" >/dev/null 2>&1
hyperfine --style basic --warmup 2 --runs 10 --export-json hand.json -n "by hand" "bash by_hand.sh" >/dev/null 2>&1

# Many endpoints: one serve process on N ports.
listen=()
for _ in $(seq "$n"); do listen+=(--listen 127.0.0.1:0); done
"$bin" --dir pki serve --name srv --client-auth required --max-connections 60000 "${listen[@]}" > many.out 2>/dev/null &
pids+=($!)
while ! grep -q listening many.out 2>/dev/null; do sleep 0.05; done
read -r -a targets <<< "$(sed -n 's/^listening on \([^(]*\)(.*/\1/p' many.out)"
[ "${#targets[@]}" = "$n" ] || { echo "serve listens on ${#targets[@]} ports, wanted $n"; exit 1; }
many_cmd="$bin --dir pki -o json probe ${targets[*]} --cert pki/certs/cli/cli.crt --key pki/certs/cli/cli.key --servername localhost --concurrency 128"
$many_cmd > many.json
hyperfine --style basic -N --warmup 1 --runs 5 --export-json many-time.json -n many "$many_cmd" >/dev/null 2>&1

# The same endpoints from an inventory (`probe --inventory`, as the inventory's client),
# with the peak RSS of the run.
{
    echo "cluster: secctl"
    echo "clients:"
    echo "  - { name: cli, role: gitlab }"
    echo "probe:"
    for t in "${targets[@]}"; do
        echo "  - { target: \"$t\", servername: localhost, as: cli, expect: { encrypted: all, mtls: enforced } }"
    done
} > inventory.yaml
inv_cmd="$bin --dir pki -o json probe --inventory inventory.yaml --concurrency 128"
/usr/bin/time -f "%M" -o inv-rss.txt $inv_cmd > inv.json || true
hyperfine --style basic -N --warmup 0 --runs 3 --export-json inv-time.json -n inv "$inv_cmd" -i >/dev/null 2>&1

python3 - "$n" <<'PY'
import json, sys
n = int(sys.argv[1])
one = json.load(open("one.json"))["results"][0]["median"]
hand = json.load(open("hand.json"))["results"][0]["median"]
many = json.load(open("many-time.json"))["results"][0]["median"]
reports = json.load(open("many.json"))
enforced = sum(1 for r in reports if r["summary"] == {"encrypted": "all", "mtls": "enforced"})
print(f"full probe of one endpoint (every row, 3 client identities, TLS 1.0-1.3): median {one*1e3:.1f} ms   (target <= 50 ms)")
print(f"the same checks by hand (3 curl plaintext, 6 openssl s_client, 9 curl over TLS): median {hand*1e3:.1f} ms")
print(f"ratio by hand / probe: {hand/one:.1f}x   (target >= 30x)")
print(f"probe of {n} loopback endpoints: median {many:.2f} s   (target < 5 s); {enforced}/{len(reports)} classified encrypted=all mtls=enforced")
inv = json.load(open("inv-time.json"))["results"][0]["median"]
inv_reports = json.load(open("inv.json"))
as_expected = sum(1 for r in inv_reports if r.get("differences") == [])
rss = int(open("inv-rss.txt").read().split()[-1]) / 1024
print(f"probe --inventory of {n} endpoints (as the inventory's client): median {inv:.2f} s   (target < 30 s at 10,000); "
      f"{as_expected}/{len(inv_reports)} as expected; peak RSS {rss:.0f} MB")
PY
