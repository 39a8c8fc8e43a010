#!/bin/sh
# Benchmark: `mlsec sign` and `mlsec verify` of a generated model directory
# (default 10 GB: ten 1 GB safetensors-like shards plus small config files)
# beside sha256sum on the same files, one process and two (xargs -P2 -n1).
# Prints wall time, MB/s, CPU use, and mlsec's peak RSS. The page cache is
# warmed first so every tool reads the same way. Everything goes under
# $BENCH_DIR (default /tmp/mlsec-sign-bench), deleted at the end unless KEEP=1.
#
#   sh bench/sign.sh                          # 10 x 1 GB
#   SHARDS=4 SHARD_BYTES=250000000 sh bench/sign.sh
set -eu
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/mlsec-sign-bench}
SHARDS=${SHARDS:-10}
SHARD_BYTES=${SHARD_BYTES:-1000000000}
mkdir -p "$DIR"
df -h "$DIR"
need=$(awk "BEGIN{printf \"%d\", $SHARDS*$SHARD_BYTES/1024 + 1048576}")
avail=$(df -Pk "$DIR" | awk 'NR==2{print $4}')
if [ "$avail" -lt "$need" ]; then
	echo "not enough space in $DIR (need ${need} KiB, have ${avail} KiB): set SHARDS or SHARD_BYTES smaller" >&2
	exit 2
fi
CGO_ENABLED=0 go build -o "$DIR/mlsec" ./cmd/mlsec
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$DIR/model" "$DIR/key.pem" "$DIR/key.pub"; }
trap cleanup EXIT
M="$DIR/model"
if [ ! -d "$M" ]; then
	mkdir -p "$M"
	i=1
	while [ "$i" -le "$SHARDS" ]; do
		f=$(printf '%s/model-%05d-of-%05d.safetensors' "$M" "$i" "$SHARDS")
		# AES-CTR keystream: incompressible bytes at disk speed.
		openssl enc -aes-128-ctr -nosalt -pass "pass:shard$i" -pbkdf2 < /dev/zero 2>/dev/null | head -c "$SHARD_BYTES" > "$f"
		i=$((i + 1))
	done
	echo '{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}' > "$M/config.json"
	echo '{"version": "1.0"}' > "$M/tokenizer.json"
fi
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$DIR/key.pem"
openssl pkey -in "$DIR/key.pem" -pubout -out "$DIR/key.pub"
total=$(find "$M" -type f ! -name model.sig -printf '%s\n' | awk '{s+=$1} END{printf "%.0f", s}')
echo "model: $(find "$M" -type f ! -name model.sig | wc -l) files, $total bytes; $(nproc) CPUs"
find "$M" -type f -exec cat {} + > /dev/null
wall() { grep "Elapsed (wall clock)" "$1" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
bench() {
	name=$1 out=$2; shift 2
	/usr/bin/time -v sh -c "$*" > /dev/null 2> "$out" || { cat "$out" >&2; exit 1; }
	w=$(wall "$out")
	printf '%-32s %7.2fs %6.0f MB/s  CPU %5s  RSS %6.0f MiB\n' "$name" "$w" "$(awk "BEGIN{print $total/1e6/$w}")" \
		"$(awk -F': ' '/Percent of CPU/{print $2}' "$out")" "$(awk -F': ' '/Maximum resident/{print $2/1024}' "$out")"
}
for round in 1 2; do
	echo "== round $round"
	bench "mlsec sign" "$DIR/t1.txt" "'$DIR/mlsec' sign --no-progress --key '$DIR/key.pem' '$M'"
	bench "mlsec verify" "$DIR/t2.txt" "'$DIR/mlsec' verify --no-progress --key '$DIR/key.pub' '$M'"
	bench "sha256sum, one process" "$DIR/t3.txt" "find '$M' -type f ! -name model.sig -print0 | xargs -0 sha256sum"
	bench "xargs -P2 -n1 sha256sum" "$DIR/t4.txt" "find '$M' -type f ! -name model.sig -print0 | xargs -0 -P2 -n1 sha256sum"
done
