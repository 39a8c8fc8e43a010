#!/usr/bin/env bash
set -euo pipefail
mlflow server --backend-store-uri sqlite:///mlflow.db --host 127.0.0.1 --port 5000 &
mlflow server --app-name basic-auth --host 0.0.0.0 --port 5001 &
ray start --head --port=6379
tensorboard --logdir runs &
jupyter lab --no-browser --ServerApp.token="$JUPYTER_TOKEN" &
echo "run: mlflow server --host 0.0.0.0" # just a hint
wait
