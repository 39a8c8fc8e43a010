#!/usr/bin/env bash
# modelfmt benchmark (issue 17): a 5 GiB safetensors file and a 5 GiB ONNX
# file, both sparse (the tensor data is a hole), scanned by mlsec: the scan
# reads headers only, so wall time and peak RSS must not grow with the size.
# Prints each run's wall time and peak RSS, best of three.
#
#   bench/modelfmt_big.sh [GiB]
set -euo pipefail
cd "$(dirname "$0")/.."
gb=${1:-5}
dir=$(mktemp -d /tmp/modelfmt-big.XXXXXX)
trap 'rm -rf "$dir"' EXIT
CGO_ENABLED=0 go run ./bench/modelfmtgen -out "$dir" -gb "$gb"
CGO_ENABLED=0 go build -o "$dir/mlsec" ./cmd/mlsec
for f in "$dir"/big.*; do echo "$(basename "$f"): $(stat -c %s "$f") bytes apparent, $(du -k "$f" | cut -f1) KiB on disk"; done
for f in big.safetensors big.onnx; do
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$dir/time" "$dir/mlsec" scan "$dir/$f" -f json -o "$dir/out.json" --fail-on none --no-progress 2>/dev/null || true
    read -r wall rss < "$dir/time"
    echo "$f run $i: wall ${wall}s, peak RSS $((rss / 1024)) MiB, findings $(grep -m1 '"findings":' "$dir/out.json" | tr -dc 0-9)"
  done
done
