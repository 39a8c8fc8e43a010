"""Fine-tunes the credit model and pushes it to the Hub."""
import os

import boto3
import pandas as pd
import wandb
from huggingface_hub import login

login(token="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")  # want: secret/hardcoded-token@high "Hugging Face user access token hf_W\*\*\*\*#[0-9a-f]{8};"
wandb.login(key="b1e6d543d7202cf486ea62965174b7b0d8087fde")  # want: secret/hardcoded-token@high "Weights & Biases API key"

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAAUEFXGSGA42XFK7T",  # want: secret/cloud-credential@high "AWS access token"
    aws_secret_access_key="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",  # want: secret/cloud-credential@critical "AWS secret access key"
)
df = pd.read_parquet("s3://acme-train/credit.parquet", storage_options={"key": os.environ["AWS_KEY"], "secret": "lE9FXDc/yreIogLe3pOsxVZSo0jR2z3fV/Kmt/z9"})  # want: secret/cloud-credential@critical
engine_url = "postgresql://trainer:Qz7sBn7cViI5!x@db.internal.acme.io:5432/features"  # want: secret/password-in-url@high "postgresql URL password for trainer@db.internal.acme.io"
local_url = "redis://:Qz7sBn7cViI5!x@localhost:6379/0"  # want: secret/password-in-url@low
broker = "amqp://guest:guest@rabbitmq:5672//"  # want: secret/default-credentials@high "default password"
db_password = "Qz7sBn7cViI5!x"  # want: secret/hardcoded-password@high
replicate_token = "r8_WBRDFOxEzf5FJtRBZRAJyu5BKaCKvsYFJGufE"  # want: secret/hardcoded-token "Replicate"
client = OpenAI(api_key="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")  # want: secret/hardcoded-token@high

# Not credentials: references, placeholders, paths, hashes.
HF_TOKEN = os.environ["HF_TOKEN"]
token = os.getenv("HF_TOKEN", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
password = "<your-password>"
password_file = "/run/secrets/db_password"
other_password = "${DB_PASSWORD}"
revision = "5d41402abc4b2a76b9719d911017c592aa0f3e4b"
url = "postgresql://trainer:${PGPASSWORD}@db:5432/features"
