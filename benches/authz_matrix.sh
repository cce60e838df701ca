#!/usr/bin/env bash
# Benchmark (issue #29): the wall time of `secctl probe --authz` for a matrix of 20 paths x 5
# roles (+ no certificate: 120 calls) against one loopback nginx port (`ssl_verify_client
# on`, a `map` of the client certificate's OU to a role, one allow list per location), beside
# the baseline an operator has without it: one curl per cell, in sequence, in the same run.
# Target: under 1 s. Not a timed test, not in CI. Needs nginx and curl.
#
#   bash benches/authz_matrix.sh [RUNS]      (default 10)
#   SECCTL_BIN=target/debug/secctl bash benches/authz_matrix.sh   (skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
runs=${1:-10}
root=$PWD
if [ -z "${SECCTL_BIN:-}" ]; then
    cargo build --release --quiet
    SECCTL_BIN=$root/target/release/secctl
fi
bin=$(cd "$(dirname "$SECCTL_BIN")" && pwd)/$(basename "$SECCTL_BIN")
nginx=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-authz-bench.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

roles=(gitlab praefect gitaly ops backup)
"$bin" --dir pki ca init >/dev/null
"$bin" --dir pki cert node srv --host localhost --host 127.0.0.1 >/dev/null
as=()
for r in "${roles[@]}"; do
    "$bin" --dir pki cert client "c-$r" --role "$r" >/dev/null
    as+=(--as "$r=pki/certs/c-$r/c-$r.crt,pki/certs/c-$r/c-$r.key")
done

# 20 paths; path i allows roles[i % 5] and roles[(i + 1) % 5].
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
maps=""
locations=""
policy="authz:"$'\n'
for i in $(seq 0 19); do
    a=${roles[$((i % 5))]}
    b=${roles[$(((i + 1) % 5))]}
    maps+="map \$role \$may_$i { default 0; $a 1; $b 1; }"$'\n'
    locations+="location = /p$i { if (\$may_$i = 0) { return 403; } return 200 \"ok\\n\"; }"$'\n'
    policy+="  - path: /p$i"$'\n'"    roles: [$a, $b]"$'\n'
done
printf '%s' "$policy" >policy.yaml
mkdir -p nginx
cat >nginx/nginx.conf <<EOF
daemon off;
master_process off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 512; }
http {
 access_log off;
 client_body_temp_path $work/nginx/body;
 proxy_temp_path $work/nginx/proxy;
 fastcgi_temp_path $work/nginx/fcgi;
 uwsgi_temp_path $work/nginx/uwsgi;
 scgi_temp_path $work/nginx/scgi;
 map \$ssl_client_s_dn \$role { default ""; "~(^|,)OU=(?<ou>[^,]+)(,|\$)" \$ou; }
$maps
 server {
  listen 127.0.0.1:$port ssl http2;
  ssl_certificate $work/pki/certs/srv/srv.crt;
  ssl_certificate_key $work/pki/certs/srv/srv.key;
  ssl_client_certificate $work/pki/ca.crt;
  ssl_verify_client on;
$locations
  location / { return 404; }
 }
}
EOF
"$nginx" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
pids+=($!)
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
(echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null || { cat "$work/nginx/error.log"; exit 1; }

target=127.0.0.1:$port
probe() {
    "$bin" --dir pki probe "$target" --servername localhost --authz policy.yaml "${as[@]}" --strict
}
# The whole matrix must hold before it is timed: 20 x 6 cells, all as the policy says.
out=$("$bin" --dir pki -o json probe "$target" --servername localhost --authz policy.yaml "${as[@]}" --strict)
cells=$(printf '%s' "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin)[0]["authz"]; print(len(a), sum(c["agrees"] for c in a))')
echo "matrix: $cells (cells, agreeing)"
[ "$cells" = "120 120" ] || { echo "the matrix does not hold: $cells"; exit 1; }

curl_all() {
    for i in $(seq 0 19); do
        for r in "${roles[@]}"; do
            curl -s -o /dev/null --cacert pki/ca.crt --cert "pki/certs/c-$r/c-$r.crt" \
                --key "pki/certs/c-$r/c-$r.key" "https://localhost:$port/p$i" || true
        done
        curl -s -o /dev/null --cacert pki/ca.crt "https://localhost:$port/p$i" || true
    done
}

median "secctl probe --authz (20 paths x 5 roles + none)" probe
secctl_us=$MEDIAN_US
median "baseline: curl per cell, 120 calls in sequence" curl_all
curl_us=$MEDIAN_US
awk -v s="$secctl_us" -v c="$curl_us" 'BEGIN {
    printf "secctl probe --authz: %.0f ms for 120 cells (target: under 1000 ms): %s; %.1fx faster than curl per cell\n",
        s / 1000, (s < 1000000 ? "met" : "NOT met"), c / s
}'
