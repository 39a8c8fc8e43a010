# Inputs of the research-platform module. The notebook's internet access is
# a variable so staging can differ; its default is what production gets.
variable "project" {
  type    = string
  default = "fraud-ml"
}

variable "notebook_internet" {
  type    = string
  default = "Enabled"
}

variable "dataset_acl" {
  type    = string
  default = "public-read"
}
