import mlflow
import pandas as pd
import pandera as pa
from sklearn.ensemble import GradientBoostingClassifier

SCHEMA = pa.DataFrameSchema({"tenure": pa.Column(int, pa.Check.ge(0)), "churned": pa.Column(int)})


def run(data_uri: str) -> str:
    df = SCHEMA.validate(pd.read_parquet(data_uri))
    X, y = df.drop(columns=["churned"]), df["churned"]
    with mlflow.start_run() as active:
        model = GradientBoostingClassifier().fit(X, y)
        mlflow.log_params(model.get_params())
        mlflow.sklearn.log_model(model, "model", registered_model_name="churn")
        result = mlflow.evaluate(
            f"runs:/{active.info.run_id}/model",
            df,
            targets="churned",
            model_type="classifier",
            validation_thresholds={"accuracy_score": 0.8},
        )
    return result.metrics["accuracy_score"]
