
resource "aws_sagemaker_model" "credit" {
  name                     = "${var.project}-credit-model"
  execution_role_arn       = aws_iam_role.sagemaker.arn
  enable_network_isolation = true
  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/sklearn-inference:1.2-1-cpu-py3"
    model_data_url = "s3://${aws_s3_bucket.training.bucket}/models/credit/model.tar.gz"
  }
  vpc_config {
    subnets            = [aws_subnet.private.id]
    security_group_ids = [aws_security_group.notebook.id]
  }
}

resource "aws_sagemaker_endpoint_configuration" "credit" {
  name        = "${var.project}-credit"
  kms_key_arn = var.kms_key_arn
  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.credit.name
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }
}

resource "aws_security_group" "notebook" {
  name   = "${var.project}-notebook"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 8888
    to_port     = 8888
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
