resource "google_storage_bucket" "training_images" { # want: cloud/bucket-no-versioning@medium
  name                        = "acme-training-images"
  location                    = "EU"
  uniform_bucket_level_access = true
}

resource "google_storage_bucket_iam_member" "training_images_public" {
  bucket = google_storage_bucket.training_images.name
  role   = "roles/storage.objectViewer"
  member = "allUsers" # want: cloud/bucket-public@high
}

resource "google_storage_bucket" "vertex_staging" {
  name     = "acme-vertex-staging"
  location = "EU"

  versioning {
    enabled = false # want: cloud/bucket-no-versioning@medium
  }
}

resource "google_storage_bucket_iam_binding" "vertex_staging_upload" {
  bucket  = google_storage_bucket.vertex_staging.name
  role    = "roles/storage.objectCreator"
  members = ["serviceAccount:trainer@acme-ml.iam.gserviceaccount.com", "allAuthenticatedUsers"] # want: cloud/bucket-public@critical
}

resource "google_storage_bucket" "model_registry" {
  name     = "acme-model-registry"
  location = "EU"

  versioning {
    enabled = true
  }
}

resource "google_storage_bucket_iam_member" "model_registry_reader" {
  bucket = google_storage_bucket.model_registry.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:serving@acme-ml.iam.gserviceaccount.com"
}

# Public website assets: not ML storage, out of scope.
resource "google_storage_bucket" "site" {
  name     = "acme-www-static"
  location = "EU"
}

resource "google_storage_bucket_iam_member" "site_public" {
  bucket = google_storage_bucket.site.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}
