resource "aws_sagemaker_model" "churn" { # want: cloud/sagemaker-no-network-isolation@medium want-asset: model:sagemaker:model/churn-xgb
  name               = "churn-xgb"
  execution_role_arn = aws_iam_role.inference.arn # want-asset: credential:unresolved:aws_iam_role.inference

  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data_url = "s3://acme-churn-models/xgb/model.tar.gz" # want-asset: data-store:s3://acme-churn-models
  }
}

resource "aws_sagemaker_model" "sentiment" { # want-asset: model:sagemaker:model/sentiment-bert
  name                     = "sentiment-bert"
  execution_role_arn       = aws_iam_role.inference.arn # want-asset: credential:unresolved:aws_iam_role.inference
  enable_network_isolation = false # want: cloud/sagemaker-no-network-isolation@medium

  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:2.1-transformers4.37-cpu-py310-ubuntu22.04"
    model_data_url = "https://models.example-vendor.com/sentiment/bert-base.tar.gz?X-Amz-Signature=abc" # want: cloud/sagemaker-model-public-source@critical
  }
}

# A bucket that the whole internet can write, feeding a production model.
resource "aws_s3_bucket" "shared_models" { # want: cloud/bucket-public-access-block-off@low want-asset: data-store:s3://acme-shared-models
  bucket = "acme-shared-models"
}

resource "aws_s3_bucket_acl" "shared_models" {
  bucket = aws_s3_bucket.shared_models.id
  acl    = "public-read-write" # want: cloud/bucket-public@critical
}

resource "aws_s3_bucket_versioning" "shared_models" {
  bucket = aws_s3_bucket.shared_models.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "shared_models" {
  bucket = aws_s3_bucket.shared_models.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_sagemaker_model" "ranker" { # want-asset: model:sagemaker:model/search-ranker
  name                     = "search-ranker"
  execution_role_arn       = aws_iam_role.inference.arn # want-asset: credential:unresolved:aws_iam_role.inference
  enable_network_isolation = true

  container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-cpu-py310"
    model_data_url = "s3://${aws_s3_bucket.shared_models.bucket}/ranker/model.tar.gz" # want: cloud/sagemaker-model-public-source@critical
  }
}
