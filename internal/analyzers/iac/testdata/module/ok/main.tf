locals {
  bucket_name = "${var.project}-${var.environment}-training-data"
}

resource "aws_s3_bucket" "training" {
  bucket = local.bucket_name
  tags = {
    Project = var.project
  }
}
