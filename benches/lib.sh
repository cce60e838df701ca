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
