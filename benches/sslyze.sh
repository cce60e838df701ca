#!/usr/bin/env bash
# Benchmark: `secctl probe` against sslyze (installed from PyPI into a virtualenv under
# target/bench-venv) on the same loopback ports in the same run: a `secctl serve` port
# requiring client certificates and, when installed, redis-server and mosquitto over TLS
# with client certificates required. sslyze runs the scans closest to what the probe
# reports (certificate, TLS 1.0-1.3 with every cipher suite, groups), with the valid client
# certificate; its full default scan is timed once for reference. The probe reports more:
# every plaintext and TLS row, three client identities, the service protocols.
# Needs hyperfine, python3 (venv, pip), network access to PyPI on the first run.
#
#   bash benches/sslyze.sh [RUNS]      (default 5 sslyze runs per port)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
for t in hyperfine python3; do command -v $t >/dev/null || { echo "needs $t"; exit 2; }; done
venv=$PWD/target/bench-venv
if [ ! -x "$venv/bin/sslyze" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet sslyze
fi
sslyze_version=$("$venv/bin/pip" show sslyze | awk '/^Version/ {print $2}')
cargo build --release --quiet
bin=$PWD/target/release/secctl
work=$(mktemp -d "${TMPDIR:-/tmp}/secctl-sslyze.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 did not open"; exit 1; }

"$bin" --dir pki ca init >/dev/null
"$bin" --dir pki cert node srv --host localhost --host 127.0.0.1 --out srv >/dev/null
"$bin" --dir pki cert client cli --role gitlab --out cli >/dev/null
ports=()
names=()

"$bin" --dir pki serve --name srv --client-auth required --listen 127.0.0.1:0 > serve.out 2>/dev/null &
pids+=($!)
while ! grep -q listening serve.out 2>/dev/null; do sleep 0.05; done
addr=$(awk '/listening on/ {print $3; exit}' serve.out)
ports+=("${addr##*:}"); names+=("secctl serve (HTTP, mTLS required)")

redis=$(command -v redis-server || echo /usr/bin/redis-server)
if [ -x "$redis" ]; then
    p=$(free_port)
    printf 'port 0\ntls-port %s\nbind 127.0.0.1\nsave ""\nappendonly no\ndir %s\ntls-cert-file srv/srv.crt\ntls-key-file srv/srv.key\ntls-ca-cert-file pki/ca.crt\ntls-auth-clients yes\n' "$p" "$work" > redis.conf
    "$redis" redis.conf > redis.out 2>&1 &
    pids+=($!); wait_port "$p"
    ports+=("$p"); names+=("redis-server (TLS, tls-auth-clients yes)")
fi
mosquitto=/usr/sbin/mosquitto
if [ -x "$mosquitto" ]; then
    p=$(free_port)
    printf 'user root\npersistence false\nallow_anonymous true\nlistener %s 127.0.0.1\ncafile pki/ca.crt\ncertfile srv/srv.crt\nkeyfile srv/srv.key\nrequire_certificate true\n' "$p" > mosquitto.conf
    "$mosquitto" -c mosquitto.conf > mosquitto.out 2>&1 &
    pids+=($!); wait_port "$p"
    ports+=("$p"); names+=("mosquitto (MQTT over TLS, require_certificate)")
fi

id="--cert cli/cli.crt --key cli/cli.key"
: > results.txt
for i in "${!ports[@]}"; do
    port=${ports[$i]}
    probe="$bin --dir pki -o json probe 127.0.0.1:$port $id --servername localhost"
    sslyze="$venv/bin/sslyze 127.0.0.1:$port --sni localhost $id --certinfo --certinfo_ca_file pki/ca.crt --tlsv1 --tlsv1_1 --tlsv1_2 --tlsv1_3 --elliptic_curves --mozilla_config disable --quiet --json_out sslyze-$i.json"
    $probe > probe-$i.json
    $sslyze
    python3 - "$i" <<'PY'
import json, sys
i = sys.argv[1]
s = json.load(open(f"sslyze-{i}.json"))["server_scan_results"][0]
assert s["scan_status"] == "COMPLETED", s["scan_status"]
r = s["scan_result"]
accepted = [v for v in ("tls_1_0", "tls_1_1", "tls_1_2", "tls_1_3")
            if r[f"{v}_cipher_suites"]["result"]["accepted_cipher_suites"]]
p = json.load(open(f"probe-{i}.json"))[0]
tls = next(t for t in p["transports"] if t["transport"] == "tls")
print(f"  sslyze versions {accepted}; probe tls_versions {tls.get('tls_versions')}, summary {p['summary']}")
PY
    hyperfine --style basic -N --warmup 2 --runs 20 --export-json probe-$i-time.json -n probe "$probe" >/dev/null 2>&1
    hyperfine --style basic -N --warmup 0 --runs "$runs" --export-json sslyze-$i-time.json -n sslyze "$sslyze" >/dev/null 2>&1
    full="$venv/bin/sslyze 127.0.0.1:$port --sni localhost $id --mozilla_config disable --quiet --json_out full-$i.json"
    hyperfine --style basic -N --warmup 0 --runs 1 --export-json full-$i-time.json -n full "$full" >/dev/null 2>&1
    python3 - "$i" "${names[$i]}" "$sslyze_version" >> results.txt <<'PY'
import json, sys
i, name, ver = sys.argv[1], sys.argv[2], sys.argv[3]
med = lambda f: json.load(open(f))["results"][0]["median"]
p, s, full = med(f"probe-{i}-time.json"), med(f"sslyze-{i}-time.json"), med(f"full-{i}-time.json")
print(f"{name}: probe median {p*1e3:.1f} ms; sslyze {ver} (certinfo, TLS 1.0-1.3 suites, groups) median {s:.2f} s; "
      f"ratio {s/p:.0f}x (target >= 50x); sslyze full default scan {full:.2f} s ({full/p:.0f}x)")
PY
done
cat results.txt
