"""Model server: every credential comes from the environment."""
import hashlib
import os

import boto3

HF_TOKEN = os.environ["HF_TOKEN"]
s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"))
MODEL_SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
revision = "5d41402abc4b2a76b9719d911017c592aa0f3e4b"
password = getpass.getpass("password: ")
db_password_file = "/run/secrets/db_password"
token_path = os.path.expanduser("~/.cache/huggingface/token")
url = f"postgresql://{user}:{password}@{host}/features"
max_tokens = 4096
session_key = hashlib.sha256(b"cache").hexdigest()
