#!/usr/bin/env bash
# Starts the tracking server, a Ray head and TensorBoard on the GPU box.
# Deliberately vulnerable: see README.md.
set -euo pipefail

export MLFLOW_BACKEND="sqlite:///$HOME/mlflow/mlflow.db"

mlflow server \
  --backend-store-uri "$MLFLOW_BACKEND" \
  --default-artifact-root s3://example-bank-credit-artifacts \
  --host 0.0.0.0 --port 5000 &

ray start --head --port=6379 --dashboard-host=0.0.0.0

# TensorBoard stays on localhost; reach it with ssh -L 6006:localhost:6006.
tensorboard --logdir runs/ --host 127.0.0.1 --port 6006 &

wait
