#!/bin/bash
# A private build for parallel work: compiles the tree into DIR/dist, with the rest of the
# project linked beside it, so that one person's test run never reads another's half-written
# dist/. Usage: scripts/private-build.sh DIR; then: cd DIR && node --test dist/test/x.test.js
set -e
out=${1:?usage: scripts/private-build.sh DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
# Incremental: later builds recompile only what changed (FULL=1 starts afresh).
[ -z "${FULL:-}" ] || rm -rf "$out/dist" "$out/tsbuildinfo"
# bin/ is copied: node resolves a symlinked script to its real path, and bin/tsresty would
# then import the shared dist/.
rm -rf "$out/bin" && cp -r "$root/bin" "$out/bin"
for f in package.json node_modules test examples grammar scripts docs src bench; do
  [ -e "$out/$f" ] || ln -s "$root/$f" "$out/$f"
done
cd "$root" && npx tsc -p . --outDir "$out/dist" --incremental --tsBuildInfoFile "$out/tsbuildinfo" > "$out/tsc.log" 2>&1 || { grep error "$out/tsc.log" | head -20; }
echo "built into $out/dist"
