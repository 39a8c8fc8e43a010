resource "aws_instance" "trainer" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.xlarge"

  user_data = <<-EOF
    #!/bin/bash
    echo 'ubuntu:Qz7sBn7cViI5!x' | chpasswd # want: secret/hardcoded-password@high "chpasswd"
    export MLFLOW_TRACKING_PASSWORD=Qz7sBn7cViI5!x # want: secret/hardcoded-token@high "MLflow"
    export MLFLOW_TRACKING_PASSWORD=mlflow # want: secret/default-credentials@high
    export HF_TOKEN=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 # want: secret/hardcoded-token@high
  EOF
}

resource "aws_instance" "cloudinit" {
  ami       = "ami-0abcdef1234567890"
  user_data = <<-EOT
    #cloud-config
    password: x!5IiVc7nBs7zQ # want: secret/hardcoded-password@high
    chpasswd: { expire: false }
  EOT
}
