# Infrastructure for the credit-risk model: training data and model buckets,
# a SageMaker notebook for the data scientists, the serving endpoint and the
# MLflow tracking server.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project = "credit-risk"
      Owner   = "ml-platform"
    }
  }
}

data "aws_caller_identity" "current" {}

locals {
  name_prefix = "acme-credit-risk"
}
