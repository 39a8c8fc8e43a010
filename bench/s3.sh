#!/bin/sh
# Benchmark: scan 2 GiB of model files (six 256 MiB PyTorch zip checkpoints
# and a 512 MiB pickle the scanner reads opcode by opcode) from a local
# SeaweedFS S3 gateway, beside a local scan of the same files. Prints MB/s
# and peak RSS for each. Needs the weed binary (MLSEC_WEED, or .ci/seaweedfs
# builds it). Everything goes under $BENCH_DIR (default /tmp/mlsec-s3-bench)
# and is deleted at the end unless KEEP=1.
#
#   sh bench/s3.sh
set -eu
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/mlsec-s3-bench}
WEED=${MLSEC_WEED:-$(.ci/seaweedfs)}
mkdir -p "$DIR/tree/models" "$DIR/weed"
export CGO_ENABLED=0
go build -o "$DIR/mlsec" ./cmd/mlsec
go build -o "$DIR/s3put" ./bench/s3put
go build -o "$DIR/modelgen" ./bench/modelgen
go build -o "$DIR/picklegen" ./bench/picklegen
for i in 0 1 2 3 4 5; do
	[ -f "$DIR/tree/models/ckpt-$i.pt" ] || "$DIR/modelgen" -o "$DIR/tree/models/ckpt-$i.pt" -gib 0.25 -members 8 >/dev/null
done
[ -f "$DIR/tree/models/big.pkl" ] || "$DIR/picklegen" -o "$DIR/tree/models/big.pkl" -size 536870912 >/dev/null
BYTES=$(du -cb "$DIR"/tree/models/* | tail -1 | cut -f1)

export AWS_ACCESS_KEY_ID=mlsecbench AWS_SECRET_ACCESS_KEY=mlsec-bench-secret AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
cat > "$DIR/s3.json" <<JSON
{"identities":[{"name":"bench","credentials":[{"accessKey":"$AWS_ACCESS_KEY_ID","secretKey":"$AWS_SECRET_ACCESS_KEY"}],"actions":["Admin","Read","Write","List"]}]}
JSON
P=${PORT_BASE:-18300}
"$WEED" server -dir="$DIR/weed" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
	-master.port=$((P+1)) -master.port.grpc=$((P+11)) -volume.port=$((P+2)) -volume.port.grpc=$((P+12)) \
	-filer.port=$((P+3)) -filer.port.grpc=$((P+13)) -s3 -s3.port=$((P+4)) -s3.port.grpc=$((P+14)) \
	-s3.config="$DIR/s3.json" -s3.port.iceberg=0 -s3.port.lance=0 -metricsPort=$((P+5)) \
	-master.volumeSizeLimitMB=1024 -volume.max=200 > "$DIR/weed.log" 2>&1 &
WPID=$!
cleanup() {
	kill $WPID 2>/dev/null || true; wait $WPID 2>/dev/null || true
	[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"
}
trap cleanup EXIT
EP=http://127.0.0.1:$((P+4))
i=0
mkdir -p "$DIR/probe" && echo ready > "$DIR/probe/ready"
until "$DIR/s3put" -endpoint "$EP" -bucket bench -prefix probe/ "$DIR/probe" 2>"$DIR/probe.err"; do
	i=$((i+1)); [ $i -lt 120 ] || { cat "$DIR/probe.err"; exit 1; }; sleep 0.5
done
echo "uploading $BYTES bytes…"
"$DIR/s3put" -endpoint "$EP" -bucket bench -prefix models/ "$DIR/tree/models"

run() { # label, then mlsec scan arguments
	label=$1; shift
	/usr/bin/time -v "$DIR/mlsec" scan --no-progress --fail-on none -f json -o "$DIR/out-$label.json" "$@" 2> "$DIR/time-$label.txt" || true
	awk -v b="$BYTES" -v l="$label" '
		/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = t[n] + (n > 1 ? t[n-1] * 60 : 0) + (n > 2 ? t[n-2] * 3600 : 0) }
		/Maximum resident set size/ { rss = $6 / 1024 }
		/User time/ { u = $NF } /System time/ { sy = $NF }
		END { printf "%-7s %6.2f s  %7.1f MB/s  peak RSS %6.1f MiB  cpu %.2f+%.2f s\n", l, s, b / s / 1e6, rss, u, sy }' "$DIR/time-$label.txt"
	grep -o '"files_analyzed": [0-9]*\|"files_failed": [0-9]*' "$DIR/out-$label.json" | tr '\n' ' '; echo
}
cat "$DIR"/tree/models/* > /dev/null # the local files in the page cache, as the server's are
for round in 1 2 3; do
	run local "$DIR/tree/models"
	run s3 --endpoint "$EP" s3://bench/models/
done
