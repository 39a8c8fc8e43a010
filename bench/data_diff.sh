#!/bin/sh
# Benchmark: `mlsec data diff` of two generated CSVs of 1,000,000 rows and 20
# columns (numbers, categories, a text column, a label; the new version has
# 1% of labels flipped and a trigger phrase in 1% of rows). Prints wall time,
# peak RSS and the findings. Files go under $BENCH_DIR (default
# /tmp/mlsec-diff-bench) and are deleted at the end unless KEEP=1.
#
#   sh bench/data_diff.sh
#   ROWS=5000000 sh bench/data_diff.sh
set -eu
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/mlsec-diff-bench}
ROWS=${ROWS:-1000000}
COLS=${COLS:-20}
mkdir -p "$DIR"
export CGO_ENABLED=0
go build -o "$DIR/datagen" ./bench/datagen
go build -o "$DIR/mlsec" ./cmd/mlsec
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -f "$DIR/old.csv" "$DIR/new.csv"; }
trap cleanup EXIT
"$DIR/datagen" csv -o "$DIR/old.csv" -rows "$ROWS" -cols "$COLS" -seed 1
"$DIR/datagen" csv -o "$DIR/new.csv" -rows "$ROWS" -cols "$COLS" -seed 1 -poison
ls -l "$DIR/old.csv" "$DIR/new.csv"
cat "$DIR/old.csv" "$DIR/new.csv" > /dev/null # same page-cache state for every run
/usr/bin/time -v "$DIR/mlsec" data diff --compact --color never "$DIR/old.csv" "$DIR/new.csv" > "$DIR/out.txt" 2> "$DIR/time.txt" || true
cat "$DIR/out.txt"
grep -E "Elapsed \(wall clock\)|Maximum resident set size|Percent of CPU|User time|System time" "$DIR/time.txt"
