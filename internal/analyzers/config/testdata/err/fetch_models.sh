#!/usr/bin/env bash
# Pulls the serving models onto the inference host before the service starts.
set -euo pipefail
mkdir -p /srv/models && cd /srv/models
# want-next: supply-chain/model-fetch-unverified@high "ranker.pt are downloaded without a checksum from a URL that follows the branch or tag main"
curl -fsSL -o ranker.pt https://raw.githubusercontent.com/acme-ml/ranker/main/weights/ranker.pt
# want-next: supply-chain/model-fetch-unverified@medium "encoder.onnx are downloaded without a checksum$"
wget -q https://models.example.com/encoder/2.3.0/encoder.onnx
