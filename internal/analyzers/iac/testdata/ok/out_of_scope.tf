# Public buckets that hold no ML data are left to generic scanners.
resource "aws_s3_bucket" "website" {
  bucket = "acme-www"
}

resource "aws_s3_bucket_acl" "website" {
  bucket = aws_s3_bucket.website.id
  acl    = "public-read"
}

resource "aws_s3_bucket_policy" "website" {
  bucket = aws_s3_bucket.website.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.website.arn}/*"
    }]
  })
}

# Companions of an ML bucket declared in another file: nothing is assumed
# missing here.
resource "aws_s3_bucket_versioning" "features" {
  bucket = aws_s3_bucket.features.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "features" {
  bucket                  = aws_s3_bucket.features.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "google_workbench_instance" "private" {
  name     = "private"
  location = "europe-west4-a"

  gce_setup {
    machine_type      = "n1-standard-4"
    disable_public_ip = true
  }
}

# for_each over a map: the SSH rule is not an ML port, nothing to note.
resource "aws_security_group" "bastion" {
  name = "bastion"

  dynamic "ingress" {
    for_each = { ssh = 22 }
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["198.51.100.0/24"]
    }
  }
}
