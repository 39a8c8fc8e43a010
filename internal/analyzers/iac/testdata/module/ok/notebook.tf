variable "notebook_internet" {
  type    = string
  default = "Disabled"
}

resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "${var.project}-research"
  role_arn               = aws_iam_role.sagemaker.arn
  instance_type          = "ml.t3.medium"
  subnet_id              = aws_subnet.private.id
  security_groups        = [aws_security_group.notebook.id]
  kms_key_id             = var.kms_key_arn
  direct_internet_access = var.notebook_internet
  root_access            = var.notebook_root
}
