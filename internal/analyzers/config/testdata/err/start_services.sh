#!/usr/bin/env bash
set -euo pipefail
# want-next: exposure/mlflow-no-auth
mlflow server --backend-store-uri sqlite:///mlflow.db --host 0.0.0.0 --port 5000 &
# want-next: exposure/ray-dashboard
ray start --head --dashboard-host=0.0.0.0 --port=6379
# want-next: exposure/tensorboard
tensorboard --logdir runs --bind_all &
# want-next: exposure/jupyter-no-auth
jupyter lab --ip=0.0.0.0 --NotebookApp.token='' --no-browser &
wait
