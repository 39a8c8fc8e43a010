locals {
  features_bucket = "${var.project}-feature-store"
  scratch_bucket  = "${var.project}-scratch"
}
