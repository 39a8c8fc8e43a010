"""Nightly retraining of the churn model."""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="retrain_churn",
    start_date=datetime(2024, 1, 1),
    schedule="0 2 * * *",
    catchup=False,
) as dag:
    pull = BashOperator(task_id="pull_data", bash_command="dvc pull data/customers.csv.dvc")
    train = BashOperator(task_id="train", bash_command="dvc repro train")
    pull >> train
