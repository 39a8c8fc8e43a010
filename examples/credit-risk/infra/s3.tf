locals {
  env = "prod"
}

# Raw applications and engineered features the model is trained on.
resource "aws_s3_bucket" "training_data" {
  bucket = "acme-credit-risk-training-data-${local.env}"

  tags = {
    Purpose = "training-data"
  }
}

# Shared with the scoring partner "for convenience" while they validated
# the feature set; nobody removed it.
resource "aws_s3_bucket_policy" "training_data_partner" {
  bucket = aws_s3_bucket.training_data.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PartnerRead"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetObject", "s3:ListBucket"]
        Resource = [
          aws_s3_bucket.training_data.arn,
          "${aws_s3_bucket.training_data.arn}/*",
        ]
      },
    ]
  })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "training_data" {
  bucket = aws_s3_bucket.training_data.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

# Model artifacts written by training and read by the endpoint: locked down.
resource "aws_s3_bucket" "models" {
  bucket = "acme-credit-risk-models-${local.env}"
}

resource "aws_s3_bucket_versioning" "models" {
  bucket = aws_s3_bucket.models.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "models" {
  bucket                  = aws_s3_bucket.models.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Access logs: not ML data, out of scope for the ML bucket rules.
resource "aws_s3_bucket" "access_logs" {
  bucket = "acme-credit-risk-access-logs"
}

resource "aws_kms_key" "ml" {
  description         = "Credit-risk ML data and models"
  enable_key_rotation = true
}

# Role the training pipeline and the notebook run as.
resource "aws_iam_role" "sagemaker_execution" {
  name = "credit-risk-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "sagemaker_data_access" {
  name = "data-access"
  role = aws_iam_role.sagemaker_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = [aws_s3_bucket.training_data.arn, "${aws_s3_bucket.training_data.arn}/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = ["${aws_s3_bucket.models.arn}/*"]
      },
    ]
  })
}
