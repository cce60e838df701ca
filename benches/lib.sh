# Shared by the benchmark scripts (sourced, not run).

# bench_exe NAME: build the cargo bench target NAME (release) and print its executable.
bench_exe() {
  cargo bench --no-run --bench "$1" --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
name = sys.argv[1]
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == name:
        print(m["executable"])' "$1"
}

# median NAME CMD...: runs CMD $runs times (after 2 warm-up runs), prints NAME and the
# median in ms (with min and max), and leaves the median in microseconds in MEDIAN_US.
median() {
  local name=$1
  shift
  local times=()
  for _ in 1 2; do "$@" >/dev/null 2>&1 || true; done
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000)))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '%s\n' "$sorted" | awk -v name="$name" -v runs="$runs" '
    { t[NR] = $1 }
    END {
      m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "%-52s median %7.1f ms  (min %.1f, max %.1f, %d runs)\n", name, m / 1000, t[1] / 1000, t[NR] / 1000, runs
    }'
  MEDIAN_US=$(printf '%s\n' "$sorted" | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }')
}
