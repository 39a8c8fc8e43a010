from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("fraud_retrain", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False) as dag:
    fetch = BashOperator(
        task_id="fetch",
        bash_command='aws s3 sync "$SOURCE" /data/raw',
        env={"SOURCE": "{{ dag_run.conf.get('source', 's3://acme-fraud-training/latest') }}"},
    )
    train = BashOperator(task_id="train", bash_command="python train.py --run-date {{ ds }}")
    push = BashOperator(
        task_id="push",
        bash_command="mlflow models push models/fraud",
        env={"MLFLOW_TRACKING_TOKEN": "{{ conn.mlflow.password }}"},
    )
    fetch >> train >> push
