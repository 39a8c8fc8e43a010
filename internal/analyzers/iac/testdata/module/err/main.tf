# Buckets are declared here; their versioning, encryption and public access
# blocks live in storage.tf.
resource "aws_s3_bucket" "features" { # want-asset: data-store:s3://fraud-ml-feature-store
  bucket = local.features_bucket
}

resource "aws_s3_bucket" "datasets" { # want: cloud/bucket-no-versioning@medium cloud/bucket-no-encryption@low want-asset: data-store:s3://fraud-ml-training-datasets
  bucket = "${var.project}-training-datasets"
}

resource "aws_s3_bucket_acl" "datasets" {
  bucket = aws_s3_bucket.datasets.id
  acl    = var.dataset_acl # want: cloud/bucket-public@high "its ACL is public-read"
}

resource "aws_sagemaker_notebook_instance" "research" { # want-asset: pipeline-step:sagemaker:notebook-instance/fraud-ml-research
  name                   = "${var.project}-research"
  role_arn               = "arn:aws:iam::111122223333:role/research" # want-asset: credential:iam-role:research
  instance_type          = "ml.t3.medium"
  kms_key_id             = "arn:aws:kms:eu-west-1:111122223333:key/0c7f6a1e-2b7e-4c55-9a55-7f1c2d3e4f50"
  root_access            = "Disabled"
  direct_internet_access = var.notebook_internet # want: cloud/sagemaker-notebook-direct-internet@high
}
