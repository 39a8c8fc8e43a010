resource "aws_kms_key" "ml" {
  description         = "fraud model artifacts"
  enable_key_rotation = true
}

resource "aws_iam_role" "serving" {
  name = "fraud-serving"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_sagemaker_model" "fraud" {
  name                     = "fraud-gbm"
  execution_role_arn       = aws_iam_role.serving.arn
  enable_network_isolation = true

  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    model_data_url = "s3://acme-fraud-models/fraud/v14/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "fraud" {
  name        = "fraud-gbm"
  kms_key_arn = aws_kms_key.ml.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fraud.name
    initial_instance_count = 2
    instance_type          = "ml.m5.large"
  }
}

resource "aws_sagemaker_endpoint" "fraud" {
  name                 = "fraud-scoring"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.fraud.name
}
