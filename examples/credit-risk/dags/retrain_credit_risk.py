"""Weekly retraining of the credit-risk model.

Deliberately vulnerable: see README.md.
"""
from datetime import datetime

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="retrain_credit_risk",
    start_date=datetime(2024, 6, 1),
    schedule="@weekly",
    catchup=False,
    params={"snapshot": "latest"},
) as dag:
    pull = BashOperator(
        task_id="pull_data",
        bash_command="cd /opt/credit-risk && dvc pull data/raw --rev {{ dag_run.conf.get('rev', 'main') }}",
    )
    train = BashOperator(
        task_id="train",
        bash_command="cd /opt/credit-risk && python -m credit_risk.train --snapshot {{ params.snapshot }}",
    )
    register = BashOperator(
        task_id="register",
        bash_command="cd /opt/credit-risk && MLFLOW_TRACKING_TOKEN="
        + Variable.get("mlflow_token")
        + " python -m credit_risk.register",
    )
    report = BashOperator(
        task_id="report",
        bash_command="python -m credit_risk.report --run-date {{ ds }}",
        env={"MLFLOW_TRACKING_URI": "http://mlflow:5000"},
    )
    pull >> train >> register >> report
