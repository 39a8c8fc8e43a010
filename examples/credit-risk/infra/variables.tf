variable "region" {
  description = "AWS region for all credit-risk resources"
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Deployment environment (dev, staging, prod)"
  type        = string
  default     = "prod"
}

variable "notebook_instance_type" {
  type    = string
  default = "ml.t3.large"
}
