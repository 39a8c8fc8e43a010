# Mentions airflow and BashOperator in prose only.
NOTE = "we moved off airflow; the old BashOperator tasks are gone"
