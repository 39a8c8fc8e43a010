# Buckets are declared here; their versioning, encryption and public access
# blocks live in storage.tf.
resource "aws_s3_bucket" "features" {
  bucket = local.features_bucket
}

resource "aws_s3_bucket" "datasets" { # want: cloud/bucket-no-versioning cloud/bucket-no-encryption
  bucket = "${var.project}-training-datasets"
}

resource "aws_s3_bucket_acl" "datasets" {
  bucket = aws_s3_bucket.datasets.id
  acl    = var.dataset_acl # want: cloud/bucket-public
}

resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "${var.project}-research"
  role_arn               = "arn:aws:iam::111122223333:role/research"
  instance_type          = "ml.t3.medium"
  kms_key_id             = "arn:aws:kms:eu-west-1:111122223333:key/0c7f6a1e-2b7e-4c55-9a55-7f1c2d3e4f50"
  root_access            = "Disabled"
  direct_internet_access = var.notebook_internet # want: cloud/sagemaker-notebook-direct-internet
}
