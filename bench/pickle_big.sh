#!/bin/sh
# Benchmark the pickle scanner on a 1 GiB benign pickle with millions of
# opcodes: throughput (opcodes/s) and peak memory (max RSS).
# Usage: bench/pickle_big.sh [size-bytes]   (run from the repository root)
set -eu
SIZE=${1:-1073741824}
OUT=${TMPDIR:-/tmp}/mlsec-big.pkl
BIN=${TMPDIR:-/tmp}/mlsec-pickledrive
export CGO_ENABLED=0
[ -f "$OUT" ] && [ "$(stat -c %s "$OUT")" -ge "$SIZE" ] || go run ./bench/picklegen -o "$OUT" -size "$SIZE"
go build -o "$BIN" ./bench/pickledrive
/usr/bin/time -v "$BIN" "$OUT" 2>"$BIN.time"
grep -E 'Maximum resident set size|Elapsed \(wall clock\)' "$BIN.time"
awk '/Maximum resident set size/ { printf "peak RSS: %.1f MiB\n", $6/1024 }' "$BIN.time"
