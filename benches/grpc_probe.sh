#!/usr/bin/env bash
# Benchmark (issue #32): the median wall time of `secctl probe` and `secctl verify
# HOST:PORT` against a grpcio server (tests/peers/grpc_server.py, Debian python3-grpcio),
# in plaintext and over TLS with a required client certificate. Not a timed test, not in
# CI. Needs /usr/bin/python3 with grpcio.
#
#   bash benches/grpc_probe.sh [RUNS]      (default 30)
#   SECCTL_BIN=target/debug/secctl bash benches/grpc_probe.sh   (skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
runs=${1:-30}
root=$PWD
if [ -z "${SECCTL_BIN:-}" ]; then
    cargo build --release --quiet
    SECCTL_BIN=$root/target/release/secctl
fi
bin=$(cd "$(dirname "$SECCTL_BIN")" && pwd)/$(basename "$SECCTL_BIN")
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-grpc-bench.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

"$bin" --dir pki ca init >/dev/null
"$bin" --dir pki cert node srv --host localhost --host 127.0.0.1 >/dev/null
"$bin" --dir pki cert client cli --role gitlab >/dev/null
srv=pki/certs/srv
cli="--cert pki/certs/cli/cli.crt --key pki/certs/cli/cli.key"

# start MODE: a grpcio server on a free port; prints the port.
start() {
    local port out
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    out=$work/grpc-$1.out
    /usr/bin/python3 "$root/tests/peers/grpc_server.py" serve "$port" "$1" \
        "$srv/srv.crt" "$srv/srv.key" pki/ca.crt >"$out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.05; done
    grep -q listening "$out" || { cat "$out"; exit 1; }
    echo "$port"
}

plain=$(start insecure)
tls=$(start required)
echo "secctl: $bin"
median "probe grpcio plaintext" "$bin" --dir pki probe "127.0.0.1:$plain"
median "probe grpcio TLS, client cert required" "$bin" --dir pki probe "127.0.0.1:$tls" $cli --servername localhost
median "verify grpcio TLS, client cert required" "$bin" --dir pki verify "127.0.0.1:$tls" $cli --servername localhost
median "verify grpcio plaintext" "$bin" --dir pki verify "127.0.0.1:$plain"
# grpc-go (tests/peers/grpc_go_server.go), when Go and golang-google-grpc-dev are installed.
if command -v go >/dev/null && [ -d /usr/share/gocode/src/google.golang.org/grpc ]; then
    mkdir -p "$work/gopath"
    GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$root/target/grpc-go-cache" \
        GOPROXY=off go build -o "$work/grpc_go_server" "$root/tests/peers/grpc_go_server.go"
    for mode in insecure required interceptor; do
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        "$work/grpc_go_server" "$port" "$mode" "$srv/srv.crt" "$srv/srv.key" pki/ca.crt >"$work/go-$mode.out" 2>&1 &
        pids+=($!)
        for _ in $(seq 100); do grep -q listening "$work/go-$mode.out" 2>/dev/null && break; sleep 0.05; done
        median "probe grpc-go $mode" "$bin" --dir pki probe "127.0.0.1:$port" $cli --servername localhost
    done
else
    echo "grpc-go: go or golang-google-grpc-dev not installed (skipped)"
fi
echo "(target: probe median <= 30 ms on loopback)"
# sslyze, where benches/sslyze.sh installed it (PyPI, into target/bench-venv): the scans
# closest to what the probe reports (certificate, TLS 1.0-1.3 suites, groups).
sslyze=$root/target/bench-venv/bin/sslyze
if [ -x "$sslyze" ]; then
    sruns=$((runs < 5 ? runs : 5))
    runs=$sruns median "sslyze grpcio TLS (certinfo, suites, groups)" "$sslyze" "127.0.0.1:$tls" \
        --sni localhost $cli --certinfo --certinfo_ca_file pki/ca.crt --tlsv1 --tlsv1_1 \
        --tlsv1_2 --tlsv1_3 --elliptic_curves --mozilla_config disable --quiet
else
    echo "sslyze: not installed in target/bench-venv (run benches/sslyze.sh once): no comparison"
fi
