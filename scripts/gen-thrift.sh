#!/usr/bin/env bash
# Regenerates src/doris/thrift/gen from src/doris/thrift/ccr.thrift.
# Needs the Apache Thrift compiler (Debian: apt-get install thrift-compiler).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v thrift >/dev/null || { echo "thrift compiler not found: apt-get install -y thrift-compiler" >&2; exit 1; }
out=src/doris/thrift/gen
tmp=$(mktemp -d)
thrift --gen js:node,es6,ts -out "$tmp" src/doris/thrift/ccr.thrift
rm -f "$out"/*.js "$out"/*.d.ts
cp "$tmp"/*.js "$tmp"/*.d.ts "$out"/
rm -rf "$tmp"
echo "generated into $out: $(ls "$out" | tr '\n' ' ')"
