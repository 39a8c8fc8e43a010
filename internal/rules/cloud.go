package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about cloud resources of the ML pipeline: storage buckets, IAM, SageMaker.

// IAMWildcard is an IAM policy that grants every action, or
// every S3 action, on everything or on an ML bucket.
var IAMWildcard = &rule.Rule{
	ID:          "cloud/iam-wildcard",
	Title:       "IAM wildcard action on all resources or an ML bucket",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0012", "AML.T0020", "AML.T0036"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "Whoever gets this role's credentials (a notebook user, a compromised training container) can rewrite or delete the training data and models.",
	Description: "An IAM policy statement (`aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`, " +
		"`aws_iam_group_policy` or an `aws_iam_policy_document`) that allows `*` or `s3:*` on `*` or on a " +
		"bucket holding training data or models gives every principal using it full write and delete rights, " +
		"including on bucket policies and versioning. ML roles are attached to notebooks and training " +
		"containers that run third-party code, so their credentials are the first thing an attacker gets.",
	Fix: "List the actions each role needs (s3:GetObject on the data prefix for training, s3:PutObject on the output prefix) on the exact bucket ARNs.",
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
		"https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
	},
	Peers: []string{"CKV_AWS_63"},
}

// BucketNoEncryption is an ML S3 bucket without an explicit
// server-side encryption configuration.
var BucketNoEncryption = &rule.Rule{
	ID:          "cloud/bucket-no-encryption",
	Title:       "Training-data or model bucket without explicit encryption",
	Severity:    rule.Low,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0036", "AML.T0035"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "The bucket relies on S3's default encryption with an AWS-owned key instead of a key the team controls.",
	Description: "Since 2023 S3 encrypts new objects with SSE-S3 by default, so this is hygiene: without an " +
		"`aws_s3_bucket_server_side_encryption_configuration` (or the legacy inline block) using SSE-KMS and a " +
		"customer-managed key, reading the training data needs only S3 permissions, with no key policy as a " +
		"second gate and no per-decrypt audit trail. GCS and Azure Storage always encrypt and are not checked.",
	Fix: "Add an `aws_s3_bucket_server_side_encryption_configuration` with `sse_algorithm = \"aws:kms\"` and a customer-managed `kms_master_key_id`.",
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html",
	},
	Peers: []string{"CKV_AWS_19", "CKV_AWS_145", "AVD-AWS-0088"},
}

// BucketNoVersioning is an ML bucket whose objects can be overwritten
// or deleted without a trace.
var BucketNoVersioning = &rule.Rule{
	ID:          "cloud/bucket-no-versioning",
	Title:       "Training-data or model bucket without versioning",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0020", "AML.T0059", "AML.T0018"},
	Mitigations: []string{"AML.M0025", "AML.M0005"},
	Summary:     "A poisoned dataset or swapped model overwrites the good one for good: there is no earlier version to compare with or roll back to.",
	Description: "Without object versioning (S3 `aws_s3_bucket_versioning` with status `Enabled`, or the legacy " +
		"`versioning { enabled = true }`; GCS `versioning { enabled = true }`) or object lock, an overwrite or " +
		"delete of training data or a model artifact destroys the previous content. Poisoning then cannot be " +
		"rolled back or even proven, and reproducing a past training run is impossible. Only buckets declared " +
		"in the scanned file are checked; keep each bucket's versioning resource in the bucket's file.",
	Fix: "Enable versioning (and MFA delete or object lock for model registries); keep lifecycle rules that expire old versions only after review.",
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
		"https://cloud.google.com/storage/docs/object-versioning",
	},
	Peers: []string{"CKV_AWS_21", "CKV_GCP_78", "AVD-AWS-0090"},
}

// BucketPublic is a bucket holding training data or models that
// outsiders can read or write.
var BucketPublic = &rule.Rule{
	ID:          "cloud/bucket-public",
	Title:       "Training-data or model bucket open to the public",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0020", "AML.T0010.002", "AML.T0010.003", "AML.T0036"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "Anyone on the internet can read (high) or write (critical) the data the model is trained on or the model that is deployed.",
	Description: "A bucket that holds datasets, features, checkpoints or model artifacts is made public by a " +
		"public ACL (`public-read`, `public-read-write`, `authenticated-read`), a bucket policy that allows a " +
		"wildcard principal without a condition, a GCS IAM grant to `allUsers`/`allAuthenticatedUsers`, or an " +
		"Azure container access type of `blob`/`container`. Public write lets outsiders poison training data " +
		"or swap models with no further step (critical); public read leaks the data and the models (high). " +
		"A public access block in the same file that neutralises the grant suppresses the finding. Buckets " +
		"that do not look like ML storage (by name, tags or use from SageMaker, Vertex AI or Azure ML) are out " +
		"of scope: generic IaC scanners cover them.",
	Fix: "Remove the public grant; give the pipeline's roles or service accounts explicit access, and enable the S3 " +
		"public access block (all four flags) for the bucket and the account.",
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
		"https://cloud.google.com/storage/docs/access-control/making-data-public",
		"https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent",
	},
	Peers: []string{"CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_70", "CKV_GCP_28", "CKV_AZURE_34", "AVD-AWS-0092"},
}

// BucketPublicAccessBlockOff is an ML S3 bucket without a public access
// block, or with one that leaves a flag off.
var BucketPublicAccessBlockOff = &rule.Rule{
	ID:          "cloud/bucket-public-access-block-off",
	Title:       "Training-data or model bucket without a full public access block",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0020", "AML.T0036"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "Nothing stops a later ACL or policy change from making the ML bucket public.",
	Description: "S3 Block Public Access is the guard rail that keeps one mistaken ACL or policy from exposing a " +
		"bucket. An `aws_s3_bucket_public_access_block` for the bucket with any of `block_public_acls`, " +
		"`block_public_policy`, `ignore_public_acls` or `restrict_public_buckets` false or unset (they default " +
		"to false) is reported as medium; a bucket with no block at all (and no account-wide block in the same " +
		"file) as low, since AWS now blocks public access on new buckets by default. Only buckets declared in " +
		"the scanned file are checked for a missing block.",
	Fix: "Add an `aws_s3_bucket_public_access_block` for the bucket (or an `aws_s3_account_public_access_block`) with all four flags true.",
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
	},
	Peers: []string{"CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AVD-AWS-0094"},
}

// SageMakerModelPublicSource is a SageMaker model whose artifact comes from a
// public bucket or a plain web URL.
var SageMakerModelPublicSource = &rule.Rule{
	ID:          "cloud/sagemaker-model-public-source",
	Title:       "SageMaker model loaded from a public location",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0010.003", "AML.T0018"},
	Mitigations: []string{"AML.M0014", "AML.M0013", "AML.M0005"},
	Summary:     "The production model is read from a location outsiders can write to or serve, so they decide what model is deployed.",
	Description: "`model_data_url` (or `model_data_source`) points at a bucket that this configuration makes public, " +
		"or at an http(s) URL outside the team's control. Whoever can write that location can replace " +
		"`model.tar.gz` with a backdoored model or one whose pickled weights run code in the inference " +
		"container, and the next endpoint update deploys it.",
	Fix: "Keep model artifacts in a private, versioned bucket written only by the training pipeline; verify a digest " +
		"or signature of the artifact before registering or deploying it.",
	References: []string{
		"https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html",
	},
}

// SageMakerNoKMS is a SageMaker notebook, endpoint configuration or
// domain whose storage is not encrypted with a customer-managed key.
var SageMakerNoKMS = &rule.Rule{
	ID:          "cloud/sagemaker-no-kms",
	Title:       "SageMaker storage without a customer-managed KMS key",
	Severity:    rule.Low,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development, // notebooks and training storage
	Techniques:  []string{"AML.T0035", "AML.T0025"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "Notebook volumes, endpoint storage or domain home directories are encrypted with an AWS-owned key the team cannot restrict, audit or revoke.",
	Description: "Without `kms_key_id` (notebook instance, domain) or `kms_key_arn` (endpoint configuration) the " +
		"ML storage volumes that hold datasets, checkpoints and model artifacts use the default AWS-managed " +
		"key. Access to the data then depends only on IAM on the SageMaker resource; a customer-managed key " +
		"adds a key policy, CloudTrail records of every decrypt and the ability to cut access off.",
	Fix: "Set `kms_key_id` / `kms_key_arn` to a customer-managed `aws_kms_key` with a key policy limited to the roles that need it.",
	References: []string{
		"https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html",
	},
	Peers: []string{"CKV_AWS_22", "CKV_AWS_98"},
}

// SageMakerNoNetworkIsolation is a SageMaker model whose containers have
// neither network isolation nor a VPC.
var SageMakerNoNetworkIsolation = &rule.Rule{
	ID:          "cloud/sagemaker-no-network-isolation",
	Title:       "SageMaker model without network isolation or VPC",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0025", "AML.T0018.002"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "The model's inference containers can open connections to the internet, so a backdoored model or container can call home and leak requests.",
	Description: "An `aws_sagemaker_model` with `enable_network_isolation` unset (false) and no `vpc_config` runs " +
		"its containers with unrestricted outbound internet access. Model artifacts are code in practice " +
		"(pickle-based formats, custom inference handlers): one that was tampered with can exfiltrate " +
		"inference inputs and the execution role's credentials, or fetch a second stage. Either network " +
		"isolation (no network at all) or a VPC with controlled egress closes this; mlsec reports only when " +
		"both are missing. Training jobs are not Terraform resources; their network settings live in the " +
		"pipeline definition and are not checked here.",
	Fix: "Set `enable_network_isolation = true` (the container then gets no network; model data is still staged " +
		"by SageMaker), or give the model a `vpc_config` with private subnets and restrictive security groups.",
	References: []string{
		"https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html",
		"https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",
	},
}

// SageMakerNotebookDirectInternet is a SageMaker notebook instance with direct
// internet access, which is the provider's default.
var SageMakerNotebookDirectInternet = &rule.Rule{
	ID:          "cloud/sagemaker-notebook-direct-internet",
	Title:       "SageMaker notebook instance with direct internet access",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0025", "AML.T0010.001"},
	Mitigations: []string{"AML.M0019", "AML.M0005"},
	Summary:     "A notebook that holds training data and an execution role can send both anywhere on the internet and pull anything from it.",
	Description: "`aws_sagemaker_notebook_instance` defaults `direct_internet_access` to `Enabled`: the instance " +
		"gets a SageMaker-managed network interface with a route to the internet that bypasses the team's VPC, " +
		"its egress filtering, VPC endpoint policies and flow logs. Code run in the notebook (a malicious " +
		"package, a poisoned model loaded for evaluation, a copied snippet) can exfiltrate data read through " +
		"the execution role and download tooling without any network control in the way.",
	Fix: "Set `direct_internet_access = \"Disabled\"` with a `subnet_id` and `security_groups` in a private subnet; " +
		"reach package indexes and AWS APIs through a proxy or VPC endpoints.",
	References: []string{
		"https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html",
		"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_notebook_instance",
	},
	Peers: []string{"CKV_AWS_122"},
}

// SageMakerNotebookRootAccess is a SageMaker notebook instance whose users get
// root, which is the provider's default.
var SageMakerNotebookRootAccess = &rule.Rule{
	ID:          "cloud/sagemaker-notebook-root-access",
	Title:       "SageMaker notebook instance with root access",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0112", "AML.T0050"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "Every notebook user (and any code they run) is root on the instance and can tamper with its environment, lifecycle scripts and other users' work.",
	Description: "`root_access` defaults to `Enabled`. With root, code running in the notebook can replace system " +
		"packages and the conda environments other users share, read the instance metadata credentials of the " +
		"execution role from any process, disable monitoring agents and persist across restarts through the " +
		"attached volume. Least privilege on a shared development machine starts with not being root.",
	Fix: "Set `root_access = \"Disabled\"`; install what users need through lifecycle configurations.",
	References: []string{
		"https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-root-access.html",
	},
	Peers: []string{"CKV_AWS_307"},
}
