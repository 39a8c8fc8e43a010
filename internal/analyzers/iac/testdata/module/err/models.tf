# A model served from the datasets bucket, which main.tf makes public: the
# finding is here, the ACL that makes it one is in main.tf (Related).
resource "aws_sagemaker_model" "fraud" { # want-asset: model:sagemaker:model/fraud-xgb
  name                     = "fraud-xgb"
  execution_role_arn       = "arn:aws:iam::111122223333:role/Inference" # want-asset: credential:iam-role:inference
  enable_network_isolation = true

  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data_url = "s3://${aws_s3_bucket.datasets.bucket}/models/fraud.tar.gz" # want: cloud/sagemaker-model-public-source@critical "makes publicly readable"
  }
}

# want-edge: model:sagemaker:model/fraud-xgb can-use-credential credential:iam-role:inference
# want-edge: model:sagemaker:model/fraud-xgb reads data-store:s3://fraud-ml-training-datasets
# want-edge: pipeline-step:sagemaker:notebook-instance/fraud-ml-research can-use-credential credential:iam-role:research
