# Companion resources of the buckets in main.tf.
resource "aws_s3_bucket_versioning" "features" {
  bucket = aws_s3_bucket.features.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "features" {
  bucket = aws_s3_bucket.features.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "features" {
  bucket                  = aws_s3_bucket.features.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# The datasets bucket is meant to be shared: its block is switched off.
resource "aws_s3_bucket_public_access_block" "datasets" {
  bucket                  = aws_s3_bucket.datasets.id
  block_public_acls       = false # want: cloud/bucket-public-access-block-off@medium
  block_public_policy     = true
  ignore_public_acls      = false
  restrict_public_buckets = true
}
