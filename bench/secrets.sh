#!/usr/bin/env bash
# Secret detection benchmark (issue 12): generates about 20 MB in 1,000 mixed
# files of an ML repository (Python, notebooks with outputs, YAML, Terraform,
# lock files, Markdown; one in twenty with a fake secret), then reports wall
# time, CPU time and peak RSS of the whole `mlsec scan` and of gitleaks' own
# CLI on the same tree, best of three runs each.
#
#   bench/secrets.sh             # needs gitleaks: GOBIN=/tmp/gl go install github.com/zricethezav/gitleaks/v8@v8.30.1
#   GITLEAKS=/path/to/gitleaks bench/secrets.sh
#   GITLEAKS_RUNS=1 bench/secrets.sh   # gitleaks takes about a minute a run
set -euo pipefail
cd "$(dirname "$0")/.."
gitleaks=${GITLEAKS:-/tmp/gl/gitleaks}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
CGO_ENABLED=0 go run ./bench/secretsgen -out "$tree"
CGO_ENABLED=0 go build -o "$work/mlsec" ./cmd/mlsec
files=$(find "$tree" -type f | wc -l); bytes=$(du -sb "$tree" | cut -f1)
echo "tree: $files files, $((bytes / 1024 / 1024)) MiB"

# best runs "name" cmd...: best of $RUNS (default three), wall and CPU
# seconds and peak RSS.
best() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true # warm the page cache
  local bw="" line=""
  for i in $(seq "${RUNS:-3}"); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
    read -r wall user sys rss < "$work/time"
    echo "$name run $i: wall ${wall}s, cpu $(awk "BEGIN{print $user+$sys}")s, peak RSS $((rss / 1024)) MiB"
    if [ -z "$bw" ] || awk "BEGIN{exit !($wall < $bw)}"; then bw=$wall; line="wall ${wall}s, cpu $(awk "BEGIN{print $user+$sys}")s, peak RSS $((rss / 1024)) MiB"; fi
  done
  echo "$name best: $line"
  eval "${name//-/_}_wall=$bw"
}

best mlsec "$work/mlsec" scan "$tree" -f json -o "$work/mlsec.json" --fail-on none --no-progress
"$work/mlsec" scan "$tree" --fail-on none --no-progress --enable secret --compact | tail -1
if [ -x "$gitleaks" ]; then
  RUNS=${GITLEAKS_RUNS:-3} best gitleaks "$gitleaks" dir "$tree" --no-banner --exit-code 0 --report-format json --report-path "$work/gitleaks.json"
  echo "gitleaks findings: $(grep -c '"RuleID"' "$work/gitleaks.json" || true)"
  echo "speed-up (wall): $(awk "BEGIN{printf \"%.1f\", $gitleaks_wall / $mlsec_wall}")x"
else
  echo "gitleaks not found at $gitleaks; install: GOBIN=/tmp/gl go install github.com/zricethezav/gitleaks/v8@v8.30.1"
fi
