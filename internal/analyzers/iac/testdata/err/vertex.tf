resource "google_notebooks_instance" "eda" { # want: exposure/workspace-public-network@medium
  name         = "churn-eda"
  location     = "europe-west4-a"
  machine_type = "n1-standard-4"

  vm_image {
    project      = "deeplearning-platform-release"
    image_family = "tf-latest-cpu"
  }
}

resource "google_notebooks_instance" "private" {
  name         = "churn-private"
  location     = "europe-west4-a"
  machine_type = "n1-standard-4"
  no_public_ip = true
  network      = google_compute_network.ml.id
  subnet       = google_compute_subnetwork.ml.id

  vm_image {
    project      = "deeplearning-platform-release"
    image_family = "tf-latest-cpu"
  }
}

resource "google_workbench_instance" "training" {
  name     = "churn-workbench"
  location = "europe-west4-a"

  gce_setup { # want: exposure/workspace-public-network@medium
    machine_type = "n1-standard-8"
  }
}

resource "google_workbench_instance" "locked" {
  name     = "churn-workbench-private"
  location = "europe-west4-a"

  gce_setup {
    machine_type      = "n1-standard-8"
    disable_public_ip = true
  }
}
