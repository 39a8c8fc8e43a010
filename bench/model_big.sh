#!/bin/sh
# Benchmark: scan a 2 GiB PyTorch zip checkpoint with the model analyzer and
# report wall time and peak RSS. Everything generated goes under $BENCH_DIR
# (default /tmp/mlsec-model-bench), never into the repository.
#
#   sh bench/model_big.sh            # 2 GiB
#   GIB=8 sh bench/model_big.sh      # bigger (zip64 not needed below 4 GiB per member)
set -eu
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/mlsec-model-bench}
GIB=${GIB:-2}
mkdir -p "$DIR"
export CGO_ENABLED=0
go build -o "$DIR/modelgen" ./bench/modelgen
go build -o "$DIR/mlsec" ./cmd/mlsec
if [ ! -f "$DIR/big-$GIB.pt" ]; then
	echo "generating $DIR/big-$GIB.pt ($GIB GiB)…"
	"$DIR/modelgen" -o "$DIR/big-$GIB.pt" -gib "$GIB"
fi
ls -l "$DIR/big-$GIB.pt"
# Drop the file from the page cache when allowed, so the first run is cold.
sync; (echo 1 > /proc/sys/vm/drop_caches) 2>/dev/null || true
for run in cold warm; do
	echo "== $run run"
	/usr/bin/time -v "$DIR/mlsec" scan --no-progress --fail-on none "$DIR/big-$GIB.pt" > "$DIR/out.txt" 2> "$DIR/time.txt" || true
	tail -1 "$DIR/out.txt"
	grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$DIR/time.txt"
done
