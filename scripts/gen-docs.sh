#!/usr/bin/env bash
# Regenerate completions/ and man/ from the clap definition (tests/generated.rs checks them).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/secctl
mkdir -p completions
$bin completions bash > completions/secctl.bash
$bin completions zsh > completions/_secctl
$bin completions fish > completions/secctl.fish
$bin completions powershell > completions/_secctl.ps1
$bin completions elvish > completions/secctl.elv
rm -rf man && $bin man --out man >/dev/null
echo "regenerated completions/ and man/"
