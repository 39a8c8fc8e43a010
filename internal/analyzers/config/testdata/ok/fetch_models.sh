#!/usr/bin/env bash
# Pinned to a commit and checked against a committed digest list.
set -euo pipefail
curl -fsSL -o ranker.pt https://raw.githubusercontent.com/acme-ml/ranker/3f9c2a1e5d7b4c6a8e0f1b2c3d4e5f6a7b8c9d0e/weights/ranker.pt
sha256sum -c models.sha256
