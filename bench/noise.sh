#!/usr/bin/env bash
# Noise benchmark: generates a tree shaped like a real 4,400-file ML
# repository (pipelines with images, manifests, Dockerfiles, Python) and
# prints finding counts by severity and by rule. With BEFORE=path/to/mlsec,
# prints the same for that binary first, to compare releases.
#
#   bench/noise.sh
#   BEFORE=/tmp/mlsec-old bench/noise.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tree=$(mktemp -d)/repo
CGO_ENABLED=0 go run ./bench/gen -out "$tree" -repo
CGO_ENABLED=0 go build -o /tmp/mlsec-noise ./cmd/mlsec
echo "tree: $(find "$tree" -type f | wc -l) files"
count() {
  "$1" scan "$tree" -f json -o /tmp/mlsec-noise.json --fail-on none --no-progress 2>/dev/null || true
  python3 - /tmp/mlsec-noise.json <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
fs = d["findings"]
sev = collections.Counter(f["severity"] for f in fs)
print("findings: %d  (%s)" % (len(fs), ", ".join("%s %d" % (s, sev[s]) for s in ["critical", "high", "medium", "low", "info"] if sev[s])))
for (r, s), n in sorted(collections.Counter((f["rule"], f["severity"]) for f in fs).items(), key=lambda x: (-x[1], x[0])):
    print("  %6d  %-8s %s" % (n, s, r))
PY
}
if [ -n "${BEFORE:-}" ]; then
  echo "== before ($BEFORE)"; count "$BEFORE"
  echo "== after"
fi
count /tmp/mlsec-noise
rm -rf "$(dirname "$tree")"
