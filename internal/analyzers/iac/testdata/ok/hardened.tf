# A training stack configured the way the rules ask.
variable "environment" {
  type    = string
  default = "prod"
}

locals {
  prefix = "acme-churn-${var.environment}"
  closed = "Disabled"
}

resource "aws_kms_key" "ml" {
  description         = "churn ML data"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "training_data" {
  bucket = "${local.prefix}-training-data"
}

resource "aws_s3_bucket_versioning" "training_data" {
  bucket = aws_s3_bucket.training_data.id
  versioning_configuration {
    status = "Enabled"
  }
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

resource "aws_s3_bucket_public_access_block" "training_data" {
  bucket                  = aws_s3_bucket.training_data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Read access for the partner only from their account, over TLS.
data "aws_iam_policy_document" "partner_read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.training_data.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/partner-validation"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}

resource "aws_s3_bucket_policy" "training_data" {
  bucket = aws_s3_bucket.training_data.id
  policy = data.aws_iam_policy_document.partner_read.json
}

# A public ACL that the bucket's public access block makes ineffective.
resource "aws_s3_bucket_acl" "training_data" {
  bucket = aws_s3_bucket.training_data.id
  acl    = "public-read"
}

resource "aws_sagemaker_notebook_instance" "eda" {
  name                   = "churn-eda"
  role_arn               = aws_iam_role.notebook.arn
  instance_type          = "ml.t3.large"
  kms_key_id             = aws_kms_key.ml.arn
  subnet_id              = aws_subnet.private.id
  security_groups        = [aws_security_group.notebook.id]
  direct_internet_access = "Disabled"
  root_access            = local.closed
}

resource "aws_sagemaker_model" "churn" {
  name               = "churn"
  execution_role_arn = aws_iam_role.inference.arn

  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data_url = "s3://${aws_s3_bucket.training_data.bucket}/models/churn/model.tar.gz"
  }

  vpc_config {
    subnets            = [aws_subnet.private.id]
    security_group_ids = [aws_security_group.inference.id]
  }
}

resource "aws_iam_role_policy" "trainer" {
  name = "trainer"
  role = aws_iam_role.trainer.id
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
        Action   = "sagemaker:*"
        Resource = "*"
      },
    ]
  })
}

resource "aws_security_group" "notebook" {
  name   = "notebook"
  vpc_id = aws_vpc.ml.id

  ingress {
    from_port       = 8888
    to_port         = 8888
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
  }

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 5000
    to_port     = 5000
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
