variable "project" {
  type    = string
  default = "credit-ml"
}
variable "environment" {
  type    = string
  default = "prod"
}
variable "kms_key_arn" {
  type        = string
  description = "KMS key for the training data bucket"
}
variable "notebook_root" {
  type    = string
  default = "Disabled"
}
