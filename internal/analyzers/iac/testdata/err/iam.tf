resource "aws_s3_bucket" "embeddings" { # want: cloud/bucket-no-versioning@medium cloud/bucket-no-encryption@low
  bucket = "acme-search-embeddings-dataset"
}

resource "aws_s3_bucket_public_access_block" "embeddings" {
  bucket                  = aws_s3_bucket.embeddings.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_iam_policy" "trainer_admin" {
  name = "trainer-admin"
  policy = jsonencode({ # want: cloud/iam-wildcard@high
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

data "aws_iam_policy_document" "embedding_writer" {
  statement {
    sid     = "ReadAll"
    actions = ["s3:GetObject", "s3:ListBucket"]
    resources = [
      aws_s3_bucket.embeddings.arn,
      "${aws_s3_bucket.embeddings.arn}/*",
    ]
  }

  statement { # want: cloud/iam-wildcard@high
    sid       = "Everything"
    actions   = ["s3:*"]
    resources = ["${aws_s3_bucket.embeddings.arn}/*"]
  }
}

resource "aws_iam_role_policy" "embedding_writer" {
  name   = "embedding-writer"
  role   = aws_iam_role.indexer.id
  policy = data.aws_iam_policy_document.embedding_writer.json
}

# s3:* on a bucket that holds nothing ML: out of scope.
resource "aws_iam_role_policy" "logs" {
  name = "logs"
  role = aws_iam_role.indexer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = ["arn:aws:s3:::acme-alb-logs", "arn:aws:s3:::acme-alb-logs/*"]
    }]
  })
}

# Inline role policy in a heredoc, on the training bucket by name.
resource "aws_iam_role" "notebook" {
  name               = "notebook"
  assume_role_policy = data.aws_iam_policy_document.sagemaker_trust.json

  inline_policy {
    name   = "data"
    # want-next: cloud/iam-wildcard@high
    policy = <<EOT
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::acme-training-corpus/*"}]}
EOT
  }
}

data "aws_iam_policy_document" "sagemaker_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}
