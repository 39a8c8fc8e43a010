#!/usr/bin/env bash
set -euo pipefail
# want-next: exposure/mlflow-no-auth@high
mlflow server --backend-store-uri sqlite:///mlflow.db --host 0.0.0.0 --port 5000 &
# want-next: exposure/ray-dashboard@critical
ray start --head --dashboard-host=0.0.0.0 --port=6379
# want-next: exposure/tensorboard@medium
tensorboard --logdir runs --bind_all &
# want-next: exposure/jupyter-no-auth@critical
jupyter lab --ip=0.0.0.0 --NotebookApp.token='' --no-browser &
wait
