import joblib
import mlflow
import pandas as pd
from sklearn.linear_model import LogisticRegression


def main() -> None:
    df = pd.read_csv("data/customers.csv")
    X, y = df.drop(columns=["churned"]), df["churned"]
    with mlflow.start_run(run_name="nightly"):
        model = LogisticRegression(max_iter=500).fit(X, y)
        mlflow.log_metric("train_accuracy", model.score(X, y))
        joblib.dump(model, "models/churn.joblib")


if __name__ == "__main__":
    main()
