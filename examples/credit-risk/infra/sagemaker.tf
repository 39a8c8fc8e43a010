# Shared exploration notebook for the data-science team.
resource "aws_sagemaker_notebook_instance" "exploration" {
  name          = "credit-risk-exploration"
  role_arn      = aws_iam_role.sagemaker_execution.arn
  instance_type = "ml.t3.large"
  kms_key_id    = aws_kms_key.ml.arn
  root_access   = "Disabled"

  # Needed to pip install from PyPI without a proxy.
  direct_internet_access = "Enabled"
}

resource "aws_sagemaker_model" "credit_risk" {
  name                     = "credit-risk-xgb"
  execution_role_arn       = aws_iam_role.sagemaker_execution.arn
  enable_network_isolation = true

  primary_container {
    image          = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data_url = "s3://acme-credit-risk-models-prod/credit-risk/v7/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "credit_risk" {
  name        = "credit-risk-xgb"
  kms_key_arn = aws_kms_key.ml.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.credit_risk.name
    initial_instance_count = 2
    instance_type          = "ml.m5.large"
  }

  data_capture_config {
    enable_capture_sampling_percentage = 10
    initial_sampling_percentage        = 10
    destination_s3_uri                 = "s3://acme-credit-risk-training-data-prod/capture/"
    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_endpoint" "credit_risk" {
  name                 = "credit-risk"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.credit_risk.name
}
