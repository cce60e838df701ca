#!/usr/bin/env bash
# Benchmark (issue 20, "Fleet scale"): does a single command cost more in a state directory
# holding N issued certificates than in a fresh one? On tmpfs (/dev/shm), so that the figures
# are secctl's work and not the disk's. For each command it prints the median in a fresh
# state directory (the CA and only the few certificates the commands act on), the median in
# one holding N certificates, and the ratio (target <= 1.5x):
#   cert node NAME --host H    (a new name each run)
#   cert client NAME --role R  (a new name each run)
#   revoke SERIAL              (a different existing certificate each run)
#   cert renew NAME            (a different existing certificate each run)
#   cert show NAME, cert show SERIAL, crl, verify CERTFILE (CA and CRL from --dir)
# The runs in the two directories alternate (fresh, big, big, fresh, ...), one hyperfine run
# per command line, so that a busy moment of a shared machine weighs on both; the CPU time
# (user + system) ratio is printed beside the wall-time one for the same reason.
# The big directory is built by `apply` on an N-node inventory (its wall time and peak RSS
# are printed); if apply refuses an inventory that size (its YAML node budget, 250,000 YAML
# nodes, is about 27,700 inventory nodes of this shape), in chunks of CHUNK nodes (same
# cluster, one inventory per chunk: apply does not prune what an inventory does not name),
# and the output says so.
# Then LOOP `cert node` processes into the N-certificate directory, beside the same loop of
# cfssl (Debian: golang-cfssl) and of mkcert (`-ecdsa`, its CA in a temporary CAROOT, never
# installed in a trust store), interleaved, in the same run: secctl's must be the fastest.
# Needs hyperfine and python3; cfssl/cfssljson and mkcert are optional (their loop is
# skipped, with how to install them). Needs about 25 KB of tmpfs per certificate (~2.5 GB
# for N=100000).
#
#   bash benches/fleet.sh [N]      (default 100000; env: RUNS=20 LOOP=1000 CHUNK=20000,
#                                   FORCE_CHUNKS=1 builds in chunks without trying one apply)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-20}
loop=${LOOP:-1000}
chunk=${CHUNK:-20000}
force_chunks=${FORCE_CHUNKS:-0}
warm=2   # discarded runs (pairs) before each measured series
for v in "$n" "$runs" "$loop" "$chunk"; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "N, RUNS, LOOP and CHUNK must be positive integers"; exit 2; }
done
(( runs >= 5 )) || { echo "RUNS must be >= 5"; exit 2; }
k=$(( 2 * (runs + warm) + 2 ))   # certificates the commands act on: revoke and renew targets, show/verify
(( n >= k )) || { echo "N must be >= $k (the certificates the commands act on)"; exit 2; }
[ -n "${EPOCHREALTIME:-}" ] || { echo "needs bash >= 5 (EPOCHREALTIME)"; exit 2; }
for t in hyperfine python3; do command -v $t >/dev/null || { echo "needs $t (apt-get install $t)"; exit 2; }; done
cargo build --release --quiet
bin=$PWD/target/release/secctl

if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  base=/dev/shm
else
  base=${TMPDIR:-/tmp}
  echo "note: /dev/shm is missing (or not writable): working in $base, which may be a disk; its I/O is then part of every figure"
fi
work=$(mktemp -d "$base/secctl-fleet.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$work"
mkdir hf

# Inventory of the nodes [START, END): the same cluster and names in every inventory.
width=$(( ${#n} > 6 ? ${#n} : 6 ))
inventory() {
python3 - "$1" "$2" "$width" <<'PY'
import sys
start, end, w = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
out = ["cluster: Fleet\ntrust_domain: fleet.local\ndefaults:\n  key_type: ecdsa-p256\n  days: 365\nnodes:"]
for i in range(start, end):
    out.append(f"  - name: node-{i:0{w}d}\n    role: node\n    hosts: [node-{i:0{w}d}.fleet.local, 10.{i//65536%256}.{i//256%256}.{i%256}]")
print("\n".join(out))
PY
}
name() { printf "node-%0${width}d" "$1"; }

# Peak RSS: GNU time when it is there, else Python's rusage of the child.
if /usr/bin/time -v true >/dev/null 2>&1; then rss_tool="GNU time -v"; else rss_tool="python3 rusage"; fi
# measured RSSFILE CMD...: runs CMD, writes its peak RSS in KiB to RSSFILE, returns its status.
measured() {
  local out=$1; shift
  if [ "$rss_tool" = "GNU time -v" ]; then
    local rc=0
    /usr/bin/time -v -o "$out.time" "$@" || rc=$?
    awk -F': ' '/Maximum resident set size/ {print $2}' "$out.time" > "$out"
    return $rc
  fi
  python3 - "$out" "$@" <<'PY'
import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
sys.exit(rc)
PY
}
now_ms() { echo $(( ${EPOCHREALTIME//[.,]/} / 1000 )); }

# 1. The fresh directory: the CA and the k certificates the commands act on.
inventory 0 "$k" > fresh.yaml
"$bin" --dir fresh -o json apply fresh.yaml > fresh-apply.json

# 2. The big directory: one apply of N nodes, or chunks when apply refuses that inventory.
build_note="one apply of $n nodes"
apply_ms=0; rss_kb=0; chunks=0
if [ "$force_chunks" != 1 ]; then
  inventory 0 "$n" > big.yaml
  t0=$(now_ms); rc=0
  measured rss-0 "$bin" --dir big -o json apply big.yaml > big-apply.json 2> big-apply.err || rc=$?
  apply_ms=$(( $(now_ms) - t0 ))
  rss_kb=$(cat rss-0)
  rm -f big.yaml
  if [ "$rc" = 2 ]; then
    echo "apply refused the $n-node inventory: $(head -c 300 big-apply.err)"
    force_chunks=1
  elif [ "$rc" != 0 ]; then
    echo "apply of $n nodes failed (exit $rc):"; cat big-apply.err; exit 1
  fi
fi
if [ "$force_chunks" = 1 ]; then
  rm -rf big; apply_ms=0; rss_kb=0
  for (( s = 0; s < n; s += chunk )); do
    e=$(( s + chunk < n ? s + chunk : n ))
    inventory "$s" "$e" > chunk.yaml
    t0=$(now_ms); rc=0
    measured rss-c "$bin" --dir big -o json apply chunk.yaml > big-apply.json 2> big-apply.err || rc=$?
    apply_ms=$(( apply_ms + $(now_ms) - t0 ))
    [ "$rc" = 0 ] || { echo "apply of nodes $s..$((e - 1)) failed (exit $rc):"; cat big-apply.err; exit 1; }
    c=$(cat rss-c)
    if (( c > rss_kb )); then rss_kb=$c; fi
    chunks=$(( chunks + 1 ))
  done
  rm -f chunk.yaml
  build_note="$chunks applies of <= $chunk nodes each (same cluster; apply keeps what an inventory does not name)"
fi
records=$(find big/issued -maxdepth 1 -name '*.json' | wc -l)
[ "$records" = "$n" ] || { echo "the big directory holds $records records, wanted $n"; exit 1; }
"$bin" --dir fresh crl >/dev/null
"$bin" --dir big crl >/dev/null

# Targets, the same names in both directories: revoke serials, renew names, show, verify.
serial_of() {
  "$bin" --dir "$1" -o json cert show "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["record"]["serial"])'
}
series=$(( runs + warm ))
declare -A target
for d in fresh big; do
  for (( i = 0; i < series; i++ )); do
    target[$d,revoke,$i]=$(serial_of "$d" "$(name "$i")")
  done
  target[$d,serial]=$(serial_of "$d" "$(name $(( k - 2 )))")
done
show_name=$(name $(( k - 2 )))
verify_name=$(name $(( k - 1 )))

# 3. The commands. Each is one hyperfine run of 2 x (warm + runs) commands, one run each,
#    alternating the directories (fresh, big, big, fresh, ...) so that a slower moment of a
#    shared machine weighs on both; every run acts on a new name or another existing
#    certificate where the command needs one; the first $warm pairs are discarded.
command_for() {   # KEY DIR I
  local b="$bin --dir $work/$2"
  case $1 in
    node) echo "$b cert node new-$3 --host new-$3.fleet.local" ;;
    client) echo "$b cert client cli-$3 --role app" ;;
    revoke) echo "$b --yes revoke ${target[$2,revoke,$3]}" ;;
    renew) echo "$b cert renew $(name $(( series + $3 )))" ;;
    show-name) echo "$b cert show $show_name" ;;
    show-serial) echo "$b cert show ${target[$2,serial]}" ;;
    crl) echo "$b crl" ;;
    verify) echo "$b verify $work/$2/certs/$verify_name/$verify_name.crt" ;;
  esac
}
for key in node client revoke renew show-name show-serial crl verify; do
  args=()
  for (( i = 0; i < series; i++ )); do
    if (( i % 2 )); then order=(big fresh); else order=(fresh big); fi
    for d in "${order[@]}"; do args+=(-n "$d $i" "$(command_for "$key" "$d" "$i")"); done
  done
  hyperfine --style basic -N --runs 1 --export-json "hf/$key.json" "${args[@]}" >/dev/null 2> hf/err \
    || { echo "hyperfine failed on $key:"; cat hf/err; exit 1; }
done
# What was measured did what it says (a revoked certificate is refused, the others verify).
for d in fresh big; do
  "$bin" --dir "$d" verify "$d/certs/$verify_name/$verify_name.crt" >/dev/null
  "$bin" --dir "$d" verify "$d/certs/new-$(( series - 1 ))/new-$(( series - 1 )).crt" >/dev/null
  [ "$("$bin" --dir "$d" -o json cert show "${target[$d,revoke,0]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = revoked ]
done

# 4. LOOP `cert node` processes into the N-certificate directory, and the same loop of
#    cfssl and of mkcert (ECDSA P-256 keys everywhere; two SANs each). The three loops are
#    interleaved (iteration i of each, then i + 1), each process timed by the shell's
#    clock without a fork, so that other load on the machine weighs on all three.
have_cfssl=0; have_mkcert=0
if command -v cfssl >/dev/null && command -v cfssljson >/dev/null; then
  have_cfssl=1
  mkdir cfssl
  echo '{"CN":"Fleet CA","key":{"algo":"ecdsa","size":256},"names":[{"O":"Fleet"}]}' > cfssl/ca-csr.json
  cfssl gencert -initca cfssl/ca-csr.json 2>/dev/null | cfssljson -bare cfssl/ca
  cat > cfssl/cfg.json <<'JSON'
{"signing":{"default":{"expiry":"8760h"},"profiles":{"server":{"expiry":"8760h",
 "usages":["digital signature","key encipherment","server auth","client auth"]}}}}
JSON
  echo '{"CN":"node","key":{"algo":"ecdsa","size":256},"names":[{"O":"Fleet","OU":"node"}]}' > cfssl/csr.json
else
  echo "note: cfssl/cfssljson not found, its loop is skipped (Debian/Ubuntu: apt-get install golang-cfssl)"
fi
if command -v mkcert >/dev/null; then
  have_mkcert=1
  # CAROOT in the work directory: mkcert makes its CA there on first use. Never `-install`:
  # nothing is added to any trust store. HOME too, so that nothing under the real one is read.
  mkdir mkcert
  mk() { CAROOT="$work/mkcert/ca" HOME="$work/mkcert" mkcert -ecdsa "$@"; }
  mk -cert-file mkcert/warm.crt -key-file mkcert/warm.key warm.fleet.local >/dev/null 2>&1
else
  echo "note: mkcert not found, its loop is skipped (Debian/Ubuntu: apt-get install mkcert)"
fi
s_us=0; c_us=0; m_us=0
for (( i = 0; i < loop; i++ )); do
  t=${EPOCHREALTIME//[.,]/}
  "$bin" --dir big cert node "loop-$i" --host "loop-$i.fleet.local" --host 10.200.0.1 >/dev/null
  u=${EPOCHREALTIME//[.,]/}; s_us=$(( s_us + u - t ))
  if (( have_cfssl )); then
    t=${EPOCHREALTIME//[.,]/}
    cfssl gencert -ca cfssl/ca.pem -ca-key cfssl/ca-key.pem -config cfssl/cfg.json -profile server \
      -hostname "loop-$i.fleet.local,10.200.0.1" cfssl/csr.json 2>/dev/null | cfssljson -bare "cfssl/loop-$i"
    u=${EPOCHREALTIME//[.,]/}; c_us=$(( c_us + u - t ))
  fi
  if (( have_mkcert )); then
    t=${EPOCHREALTIME//[.,]/}
    mk -cert-file "mkcert/loop-$i.crt" -key-file "mkcert/loop-$i.key" "loop-$i.fleet.local" 10.200.0.1 >/dev/null 2>&1
    u=${EPOCHREALTIME//[.,]/}; m_us=$(( m_us + u - t ))
  fi
done
# Every loop made real certificates: openssl (when there) accepts the last of each.
openssl_ok() { ! command -v openssl >/dev/null || openssl verify -CAfile "$1" "$2" >/dev/null; }
last=loop-$(( loop - 1 ))
openssl_ok big/ca.crt "big/certs/$last/$last.crt"
secctl_loop_ms=$(( s_us / 1000 )); cfssl_loop_ms=-; mkcert_loop_ms=-
if (( have_cfssl )); then openssl_ok cfssl/ca.pem "cfssl/$last.pem"; cfssl_loop_ms=$(( c_us / 1000 )); fi
if (( have_mkcert )); then openssl_ok mkcert/ca/rootCA.pem "mkcert/$last.crt"; mkcert_loop_ms=$(( m_us / 1000 )); fi

python3 - "$n" "$k" "$runs" "$warm" "$build_note" "$apply_ms" "$rss_kb" "$rss_tool" "$base" \
  "$loop" "$secctl_loop_ms" "$cfssl_loop_ms" "$mkcert_loop_ms" <<'PY'
import json, statistics, sys
(n, k, runs, warm, note, apply_ms, rss_kb, rss_tool, base,
 loop, s_loop, c_loop, m_loop) = sys.argv[1:]
n, k, runs, warm, apply_ms, rss_kb, loop = int(n), int(k), int(runs), int(warm), int(apply_ms), int(rss_kb), int(loop)

def runs_of(key, d):   # one run per command, named "DIR I"; the first `warm` pairs discarded
    res = json.load(open(f"hf/{key}.json"))["results"]
    return [r for r in res if r["command"].split()[0] == d and int(r["command"].split()[1]) >= warm]
wall = lambda key, d: statistics.median(r["times"][0] for r in runs_of(key, d))
cpu = lambda key, d: statistics.median(r["user"] + r["system"] for r in runs_of(key, d))

rows = [("node", "cert node NAME --host H (new name)"),
        ("client", "cert client NAME --role R (new name)"),
        ("revoke", "revoke SERIAL (another cert each run)"),
        ("renew", "cert renew NAME (another cert each run)"),
        ("show-name", "cert show NAME"),
        ("show-serial", "cert show SERIAL"),
        ("crl", "crl"),
        ("verify", "verify CERTFILE (CA, CRL from --dir)")]
print(f"state directories on {base}; fresh: CA + {k} certificates (the ones acted on); big: {n} certificates")
print(f"big directory built by {note}: {apply_ms / 1e3:.1f} s ({n / max(apply_ms, 1) * 1e3:.0f} certs/s), "
      f"peak RSS {rss_kb / 1024:.0f} MiB ({rss_tool})")
print(f"medians of {runs} runs each, wall time (CPU time, user + system, in brackets: less disturbed by other load):")
worst = 0.0
for key, label in rows:
    f, b = wall(key, "fresh"), wall(key, "big")
    r, cr = b / f, cpu(key, "big") / cpu(key, "fresh")
    worst = max(worst, r)
    print(f"  {label:42} fresh {f * 1e3:6.2f} ms   {n} certs {b * 1e3:6.2f} ms   ratio {r:5.2f}x "
          f"{'ok  ' if round(r, 2) <= 1.5 else 'OVER'}  (cpu {cpu(key, 'fresh') * 1e3:5.2f} / {cpu(key, 'big') * 1e3:5.2f} ms, {cr:.2f}x)")
print(f"worst ratio {worst:.2f}x (target <= 1.5x)")
loops = [("secctl cert node (into the big directory)", s_loop),
         ("cfssl gencert | cfssljson", c_loop), ("mkcert -ecdsa", m_loop)]
print(f"{loop} certificates, one process each (cfssl: two, piped), the loops interleaved (ECDSA P-256, 2 SANs):")
ran = []
for label, ms in loops:
    if ms == "-":
        print(f"  {label:42} skipped (not installed)")
        continue
    ms = int(ms)
    ran.append((ms, label))
    print(f"  {label:42} {ms / 1e3:7.2f} s   {ms / loop:6.2f} ms each")
ran.sort()
if len(ran) > 1:
    verdict = "secctl is the fastest" if ran[0][1].startswith("secctl") else "secctl is NOT the fastest"
    print(f"fastest: {ran[0][1]}, {ran[1][0] / ran[0][0]:.1f}x the next: {verdict}")
PY
