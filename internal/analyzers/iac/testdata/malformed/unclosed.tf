resource "aws_s3_bucket" "training" {
  bucket = "acme-training"
  tags = {
    Team = "ml"
  
}
