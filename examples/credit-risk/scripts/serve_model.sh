#!/usr/bin/env bash
# Serves the registered model for the scoring API (localhost only, behind nginx).
set -euo pipefail
MODEL_URI="${MODEL_URI:-models:/credit-risk/Production}"
exec mlflow models serve -m "$MODEL_URI" --host 127.0.0.1 --port 8001 --env-manager local
