# Card transactions and labels the fraud model is trained on.
resource "aws_s3_bucket" "transactions" {
  bucket = "acme-fraud-transactions"

  tags = {
    Purpose = "training-data"
  }
}

resource "aws_s3_bucket_versioning" "transactions" {
  bucket = aws_s3_bucket.transactions.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "transactions" {
  bucket = aws_s3_bucket.transactions.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

# The chargeback partner uploads labelled disputes here; opened "for a week".
resource "aws_s3_bucket_policy" "partner_upload" {
  bucket = aws_s3_bucket.transactions.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PartnerUpload"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:PutObject"]
      Resource  = "${aws_s3_bucket.transactions.arn}/disputes/*"
    }]
  })
}

# Trained models, read by both serving paths.
resource "aws_s3_bucket" "models" {
  bucket = "acme-fraud-models"

  tags = {
    Purpose = "models"
  }
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
      sse_algorithm = "aws:kms"
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
