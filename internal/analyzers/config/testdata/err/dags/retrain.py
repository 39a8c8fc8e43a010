"""Nightly retraining DAG for the fraud model."""
from datetime import datetime

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

with DAG("fraud_retrain", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False,
         params={"dataset": "s3://acme-fraud-training/latest"}) as dag:
    fetch = BashOperator(
        task_id="fetch",
        bash_command="aws s3 sync {{ dag_run.conf['source'] }} /data/raw",  # want: pipeline/airflow-command-injection@high
    )
    train = BashOperator(
        task_id="train",
        # want-next: pipeline/airflow-command-injection@high
        bash_command="python train.py --data {{ params.dataset }} --epochs 10",
    )
    push = BashOperator(
        task_id="push",
        # want-next: secret/credential-in-command@medium
        bash_command="mlflow models push --token " + Variable.get("mlflow_token") + " models/fraud",
    )
    notify = BashOperator(
        task_id="notify",
        bash_command="curl -s -X POST https://hooks.example.com/ml",
        # want-next: secret/credential-in-command@medium
        env={"SLACK_TOKEN": "xoxb-1234567890-abcdefghijkl"},
    )
    upload = BashOperator(
        task_id="upload",
        # want-next: secret/credential-in-command@medium
        bash_command="HF_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 huggingface-cli upload acme/fraud models/",
    )
    fetch >> train >> push >> notify >> upload
