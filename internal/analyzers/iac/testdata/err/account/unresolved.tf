# Values that come from tfvars or modules cannot be checked from this file.
variable "allowed_cidrs" {
  type = list(string)
}

variable "artifact_acl" {
  type = string
}

resource "aws_security_group" "mlflow" {
  name   = "mlflow"
  vpc_id = module.network.vpc_id

  ingress {
    from_port   = 5000
    to_port     = 5000
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs # want: mlsec/unresolved@info
  }

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "acme-mlflow-artifacts-${terraform.workspace}"
}

resource "aws_s3_bucket_acl" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  acl    = var.artifact_acl # want: mlsec/unresolved@info
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = module.settings.versioning_status # want: mlsec/unresolved@info
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_sagemaker_model" "scorer" {
  name                     = "scorer"
  execution_role_arn       = aws_iam_role.scorer.arn
  enable_network_isolation = var.isolate # want: mlsec/unresolved@info

  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data_url = var.model_uri # want: mlsec/unresolved@info
  }
}
