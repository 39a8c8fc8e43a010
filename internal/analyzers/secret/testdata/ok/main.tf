resource "aws_db_instance" "features" {
  engine   = "postgres"
  username = "mlflow"
  password = var.db_password
}

resource "aws_instance" "trainer" {
  user_data = templatefile("${path.module}/init.sh", { hf_token = var.hf_token })
}
