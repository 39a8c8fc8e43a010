"""Kubeflow pipeline: validate data, train, evaluate, register."""
from kfp import compiler, dsl


@dsl.component(base_image="python:3.11-slim")
def validate(data_uri: str) -> str:
    return data_uri


@dsl.component(base_image="python:3.11-slim")
def train(data_uri: str) -> str:
    from churn.train import run

    return run(data_uri)


@dsl.pipeline(name="churn-training")
def churn_pipeline(data_uri: str = "gs://acme-churn/data/customers.parquet"):
    checked = validate(data_uri=data_uri)
    train(data_uri=checked.output)


if __name__ == "__main__":
    compiler.Compiler().compile(churn_pipeline, "churn_pipeline.yaml")
