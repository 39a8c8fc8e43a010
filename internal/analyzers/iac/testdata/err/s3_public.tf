# Feature store export, readable by anyone through a heredoc policy.
resource "aws_s3_bucket" "features" { # want: cloud/bucket-public-access-block-off@low
  bucket = "acme-fraud-features"
}

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

resource "aws_s3_bucket_policy" "features" {
  bucket = aws_s3_bucket.features.id
  # want-next: cloud/bucket-public@critical
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AnyoneCanUpload",
      "Effect": "Allow",
      "Principal": {"AWS": "*"},
      "Action": ["s3:PutObject", "s3:GetObject"],
      "Resource": "${aws_s3_bucket.features.arn}/*"
    },
    {
      "Sid": "OnlyFromOurVpce",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": "${aws_s3_bucket.features.arn}/*",
      "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0abc1234"}}
    }
  ]
}
POLICY
}

# Labelled images for the vision model, published through a policy document.
resource "aws_s3_bucket" "labels" {
  bucket = "acme-vision-labels"
  tags = {
    Usage = "dataset"
  }
}

data "aws_iam_policy_document" "labels_public" {
  statement {
    sid     = "PublicRead"
    actions = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.labels.arn}/*"]
    principals { # want: cloud/bucket-public@high
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "labels" {
  bucket = aws_s3_bucket.labels.id
  policy = data.aws_iam_policy_document.labels_public.json
}

resource "aws_s3_bucket_versioning" "labels" {
  bucket = aws_s3_bucket.labels.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "labels" {
  bucket = aws_s3_bucket.labels.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "labels" {
  bucket                  = aws_s3_bucket.labels.id
  block_public_acls       = true
  block_public_policy     = false # want: cloud/bucket-public-access-block-off@medium
  ignore_public_acls      = true
  restrict_public_buckets = false
}

# A bucket declared in another file, made public here by name.
resource "aws_s3_bucket_acl" "checkpoints" {
  bucket = "acme-llm-checkpoints"
  acl    = "public-read" # want: cloud/bucket-public@high
}
