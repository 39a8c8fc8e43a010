"""Weekly fraud model retraining: transactions and disputes in, model out."""
import joblib
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

FEATURES = ["amount", "merchant_risk", "hour", "country_mismatch", "velocity_1h"]


def main():
    tx = pd.read_parquet("s3://acme-fraud-transactions/daily/")
    disputes = pd.read_csv("s3://acme-fraud-transactions/disputes/latest.csv")
    df = tx.merge(disputes, on="transaction_id", how="left")
    df["fraud"] = df["chargeback_reason"].notna()
    model = HistGradientBoostingClassifier(max_iter=300).fit(df[FEATURES], df["fraud"])
    joblib.dump(model, "s3://acme-fraud-models/fraud/latest/model.joblib")


if __name__ == "__main__":
    main()
