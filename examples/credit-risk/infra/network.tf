# MLflow tracking server for the credit-risk experiments.
resource "aws_security_group" "mlflow" {
  name        = "credit-risk-mlflow"
  description = "MLflow tracking server"
  vpc_id      = "vpc-0a1b2c3d4e5f67890"

  ingress {
    description = "MLflow UI and API"
    from_port   = 5000
    to_port     = 5000
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "SSH from the office VPN"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.office_cidr]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

variable "office_cidr" {
  type    = string
  default = "203.0.113.0/24"
}

# Model dashboard, reachable only from the office.
resource "aws_vpc_security_group_ingress_rule" "dashboard_office" {
  security_group_id = aws_security_group.mlflow.id
  cidr_ipv4         = var.office_cidr
  from_port         = 8501
  to_port           = 8501
  ip_protocol       = "tcp"
}
