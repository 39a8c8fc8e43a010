# A notebook that relies on every provider default.
resource "aws_sagemaker_notebook_instance" "scratch" { # want: cloud/sagemaker-notebook-direct-internet@high cloud/sagemaker-notebook-root-access@medium cloud/sagemaker-no-kms@low
  name          = "fraud-scratch"
  role_arn      = aws_iam_role.ds.arn
  instance_type = "ml.t3.medium"
}

# Explicitly enabled, with a customer key.
resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "fraud-research"
  role_arn               = aws_iam_role.ds.arn
  instance_type          = "ml.g4dn.xlarge"
  kms_key_id             = aws_kms_key.notebooks.arn
  direct_internet_access = "Enabled" # want: cloud/sagemaker-notebook-direct-internet@high
  root_access            = "Enabled" # want: cloud/sagemaker-notebook-root-access@medium
}

variable "notebook_internet" {
  description = "Set per environment in tfvars"
  type        = string
}

locals {
  root = "Disabled"
}

# Values from a variable without a default: not checked, noted.
resource "aws_sagemaker_notebook_instance" "per_env" {
  name                   = "fraud-${terraform.workspace}"
  role_arn               = aws_iam_role.ds.arn
  instance_type          = "ml.t3.medium"
  kms_key_id             = aws_kms_key.notebooks.arn
  subnet_id              = aws_subnet.private.id
  security_groups        = [aws_security_group.notebooks.id]
  direct_internet_access = var.notebook_internet # want: mlsec/unresolved@info
  root_access            = local.root
}

resource "aws_sagemaker_domain" "studio" { # want: cloud/sagemaker-no-kms@low
  domain_name = "fraud-studio"
  auth_mode   = "IAM"
  vpc_id      = aws_vpc.ml.id
  subnet_ids  = [aws_subnet.private.id]

  default_user_settings {
    execution_role = aws_iam_role.ds.arn
  }
}

resource "aws_sagemaker_endpoint_configuration" "fraud" { # want: cloud/sagemaker-no-kms@low
  name = "fraud-detector"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fraud.name
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }
}
