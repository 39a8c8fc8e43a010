#!/bin/sh
# Benchmark: `mlsec data lock` over a generated dataset tree (default 5 GB in
# 10,000 files) beside sha256sum on the same files, single and two-way
# parallel (find | xargs -P2). Prints MB/s for each and mlsec's peak RSS.
# Everything goes under $BENCH_DIR (default /tmp/mlsec-data-bench) and is
# deleted at the end unless KEEP=1.
#
#   sh bench/data_lock.sh                 # 5 GB, 10,000 files
#   BYTES=1e9 FILES=2000 sh bench/data_lock.sh
set -eu
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/mlsec-data-bench}
BYTES=${BYTES:-5e9}
FILES=${FILES:-10000}
mkdir -p "$DIR"
df -h "$DIR"
need=$(awk "BEGIN{printf \"%d\", $BYTES/1024 + 1048576}")
avail=$(df -Pk "$DIR" | awk 'NR==2{print $4}')
if [ "$avail" -lt "$need" ]; then
	echo "not enough space in $DIR for $BYTES bytes (need ${need} KiB, have ${avail} KiB): set BYTES smaller" >&2
	exit 2
fi
export CGO_ENABLED=0
go build -o "$DIR/datagen" ./bench/datagen
go build -o "$DIR/mlsec" ./cmd/mlsec
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$DIR/tree" "$DIR/lock.json"; }
trap cleanup EXIT
if [ ! -d "$DIR/tree" ]; then
	echo "generating $FILES files, $BYTES bytes in $DIR/tree…"
	"$DIR/datagen" tree -dir "$DIR/tree" -files "$FILES" -bytes "$BYTES"
fi
total=$(find "$DIR/tree" -type f -printf '%s\n' | awk '{s+=$1} END{printf "%.0f", s}')
echo "tree: $(find "$DIR/tree" -type f | wc -l) files, $total bytes"
# Warm the page cache once so that every tool below reads the same way.
cat $(find "$DIR/tree" -type f) > /dev/null 2>&1 || find "$DIR/tree" -type f -exec cat {} + > /dev/null
mbps() { awk "BEGIN{printf \"%.0f\", $total/1e6/$1}"; }
wall() { grep "Elapsed (wall clock)" "$1" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
cpu() { awk -F': ' '/User time|System time/{s+=$2} END{printf "%.2f", s}' "$1"; }
# bench NAME FILE CMD: run CMD under /usr/bin/time and print wall time,
# MB/s, CPU use and MB per CPU-second (the last does not depend on what
# else the machine is running).
bench() {
	name=$1 out=$2; shift 2
	/usr/bin/time -v sh -c "$*" > /dev/null 2> "$out" || true
	w=$(wall "$out"); c=$(cpu "$out")
	printf '%-34s %7.2fs %6s MB/s  CPU %5s  %6.0f MB per CPU-second\n' "$name" "$w" "$(mbps "$w")" \
		"$(awk -F': ' '/Percent of CPU/{print $2}' "$out")" "$(awk "BEGIN{print $total/1e6/$c}")"
}
for round in 1 2; do
	echo "== round $round"
	bench "mlsec data lock" "$DIR/t3.txt" "'$DIR/mlsec' data lock --no-progress -o '$DIR/lock.json' '$DIR/tree'"
	t3=$(wall "$DIR/t3.txt")
	bench "sha256sum, one process" "$DIR/t1.txt" "find '$DIR/tree' -type f -print0 | xargs -0 sha256sum"
	t1=$(wall "$DIR/t1.txt")
	bench "find | xargs -P2 sha256sum" "$DIR/t2.txt" "find '$DIR/tree' -type f -print0 | xargs -0 -P2 -n 500 sha256sum"
	t2=$(wall "$DIR/t2.txt")
	awk "BEGIN{printf \"mlsec/sha256sum wall throughput: %.2fx single, %.2fx xargs -P2\n\", $t1/$t3, $t2/$t3}"
done
grep -E "Maximum resident set size" "$DIR/t3.txt"
bench "mlsec data verify" "$DIR/t4.txt" "'$DIR/mlsec' data verify --no-progress --lock '$DIR/lock.json'"
