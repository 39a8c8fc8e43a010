variable "env" {
  type    = string
  default = "staging"
}

resource "aws_s3_bucket" "train" { # want: cloud/bucket-no-encryption@low want-asset: data-store:s3://acme-recsys-staging
  bucket = "acme-recsys-${var.env}"
  tags = {
    Purpose = "training"
  }
}

resource "aws_s3_bucket_versioning" "train" {
  bucket = aws_s3_bucket.train.id
  versioning_configuration {
    status = "Suspended" # want: cloud/bucket-no-versioning@medium
  }
}

resource "aws_s3_bucket_public_access_block" "train" { # want: cloud/bucket-public-access-block-off@medium
  bucket            = aws_s3_bucket.train.id
  block_public_acls = true
}

# The MLflow artifact store, declared with the legacy inline blocks.
resource "aws_s3_bucket" "mlflow" { # want: cloud/bucket-public-access-block-off@low want-asset: data-store:s3://acme-mlflow-artifacts
  bucket = "acme-mlflow-artifacts"

  versioning {
    enabled = true
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
    }
  }
}

# Used by a SageMaker pipeline, so it holds ML data whatever its name.
resource "aws_s3_bucket" "scratch" { # want: cloud/bucket-no-versioning@medium cloud/bucket-no-encryption@low want-asset: data-store:s3://acme-team-scratch
  bucket = "acme-team-scratch"
}

resource "aws_s3_bucket_public_access_block" "scratch" {
  bucket                  = aws_s3_bucket.scratch.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_sagemaker_pipeline" "retrain" { # want-asset: pipeline-step:sagemaker:pipeline/recsys-retrain
  pipeline_name         = "recsys-retrain"
  pipeline_display_name = "recsys-retrain"
  role_arn              = aws_iam_role.pipeline.arn # want-asset: credential:unresolved:aws_iam_role.pipeline

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        InputDataConfig  = [{ ChannelName = "train", DataSource = { S3DataSource = { S3Uri = "s3://${aws_s3_bucket.train.bucket}/v3/" } } }]
        OutputDataConfig = { S3OutputPath = "s3://${aws_s3_bucket.scratch.bucket}/out/" }
      }
    }]
  })
}
