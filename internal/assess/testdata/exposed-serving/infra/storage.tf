# Conversation logs kept for fine-tuning, shared with the labelling vendor.
resource "aws_s3_bucket" "training_data" {
  bucket = "acme-llm-training-data"
}

resource "aws_s3_bucket_policy" "training_data" {
  bucket = aws_s3_bucket.training_data.id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "VendorUpload",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::acme-llm-training-data/*"
    }
  ]
}
POLICY
}
