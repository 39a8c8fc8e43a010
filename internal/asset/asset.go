// Package asset gives each thing an ML pipeline is made of one identity,
// however and wherever it was written: an s3://bucket/key URI in Python, an
// aws_s3_bucket resource in Terraform and a DVC remote on the same bucket are
// one data-store asset, so that what different analyzers saw joins up in the
// attack-path graph.
//
// Every constructor returns an asset with its canonical ID and no location;
// the analyzer's pass adds where it was met. Merge folds duplicates into one
// asset with all their locations, deterministically.
package asset

import (
	"cmp"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
)

// Types re-exported so that analyzers need one import for assets.
type (
	// Asset is one thing in the pipeline.
	Asset = finding.Asset
	// Edge is a relation between two assets.
	Edge = finding.Edge
	// Kind says what part of the pipeline an asset is.
	Kind = finding.AssetKind
)

func build(kind Kind, name string, attrs map[string]string) Asset {
	return Asset{ID: finding.AssetID(kind, name), Kind: kind, Name: name, Attrs: attrs}
}

// New builds an asset whose name is already canonical (a pipeline step's
// qualified name, an endpoint's namespace/name).
func New(kind Kind, name string) Asset { return build(kind, name, nil) }

// DataStore is a bucket or container named by a storage URI or URL:
// s3://, s3a://, s3n://, gs://, gcs://, az://, azure://, abfs[s]://, wasb[s]://,
// the virtual-host and path-style https URLs of S3, GCS and Azure Blob, and
// the DVC remote forms of the same. The identity is the bucket (for Azure,
// account and container when the account is known), never the key: a DVC
// remote on s3://b/dvc and a training script reading s3://b/data/train.csv
// touch the same store. ok is false for anything that is not object storage.
func DataStore(uri string) (a Asset, ok bool) {
	scheme, bucket, ok := storeOf(strings.TrimSpace(uri))
	if !ok {
		return Asset{}, false
	}
	return build(finding.AssetDataStore, scheme+"://"+bucket, nil), true
}

// Bucket is a data store named by provider and bucket name, as Terraform
// declares it: provider is "s3", "gs" or "az" (for Azure, name is
// "account/container", or the container alone when the account is unknown).
func Bucket(provider, name string) Asset {
	provider = strings.ToLower(provider)
	if provider == "gcs" {
		provider = "gs"
	}
	return build(finding.AssetDataStore, provider+"://"+strings.ToLower(strings.Trim(name, "/")), nil)
}

// Unresolved is a data store whose name could not be worked out statically
// (a Terraform bucket named by a variable with no default): it keeps the
// declaration's address so that it is still one asset per declaration.
func Unresolved(kind Kind, address string) Asset { return build(kind, "unresolved:"+address, nil) }

var (
	s3Virtual  = regexp.MustCompile(`^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$`)
	s3Path     = regexp.MustCompile(`^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$`)
	azureBlob  = regexp.MustCompile(`^([a-z0-9]{3,24})\.(?:blob|dfs)\.core\.windows\.net$`)
	gcsHosts   = map[string]bool{"storage.googleapis.com": true, "storage.cloud.google.com": true}
	azSchemes  = map[string]bool{"abfs": true, "abfss": true, "wasb": true, "wasbs": true}
	s3Schemes  = map[string]bool{"s3": true, "s3a": true, "s3n": true}
	gcsSchemes = map[string]bool{"gs": true, "gcs": true}
)

// storeOf reduces a storage URI to scheme and bucket. Bucket names are
// lower-cased: S3 and GCS forbid upper case, Azure folds it, so "S3://Data"
// written by hand is the same bucket.
func storeOf(uri string) (scheme, bucket string, ok bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" {
		return "", "", false
	}
	sch := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	first := func(p string) string {
		p = strings.TrimPrefix(p, "/")
		b, _, _ := strings.Cut(p, "/")
		return strings.ToLower(b)
	}
	switch {
	case s3Schemes[sch]:
		return nonEmpty("s3", host)
	case gcsSchemes[sch]:
		return nonEmpty("gs", host)
	case sch == "az" || sch == "azure":
		// DVC and fsspec: az://container/path; the account is configured apart.
		return nonEmpty("az", host)
	case azSchemes[sch]:
		// abfss://container@account.dfs.core.windows.net/path
		m := azureBlob.FindStringSubmatch(host)
		if m == nil || u.User == nil {
			return "", "", false
		}
		return nonEmpty("az", m[1]+"/"+strings.ToLower(u.User.Username()))
	case sch == "http" || sch == "https":
		if m := s3Virtual.FindStringSubmatch(host); m != nil {
			return "s3", m[1], true
		}
		if s3Path.MatchString(host) {
			return nonEmpty("s3", first(u.Path))
		}
		if gcsHosts[host] {
			return nonEmpty("gs", first(u.Path))
		}
		if strings.HasSuffix(host, ".storage.googleapis.com") {
			return "gs", strings.TrimSuffix(host, ".storage.googleapis.com"), true
		}
		if m := azureBlob.FindStringSubmatch(host); m != nil {
			if c := first(u.Path); c != "" {
				return "az", m[1] + "/" + c, true
			}
		}
	}
	return "", "", false
}

func nonEmpty(scheme, bucket string) (string, string, bool) {
	if bucket == "" {
		return "", "", false
	}
	return scheme, bucket, true
}

// hfRepo matches a Hugging Face repository ID: an optional namespace and a
// name of letters, digits, '-', '_' and '.'.
var hfRepo = regexp.MustCompile(`^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$`)

// HuggingFace is a Hub repository, from its ID ("org/name"), an hf:// URI or
// a huggingface.co URL; datasets and spaces keep their prefix. The revision
// (@rev, /tree/rev, /resolve/rev/…) is not part of the identity: every
// revision of a repository is one external input, pinned or not.
func HuggingFace(ref string) (a Asset, ok bool) {
	r := strings.TrimSpace(ref)
	kind := ""
	switch {
	case strings.HasPrefix(r, "hf://"):
		r = strings.TrimPrefix(r, "hf://")
	case strings.HasPrefix(r, "https://huggingface.co/"), strings.HasPrefix(r, "http://huggingface.co/"):
		r = r[strings.Index(r, "huggingface.co/")+len("huggingface.co/"):]
	}
	for _, p := range []string{"datasets/", "spaces/"} {
		if strings.HasPrefix(r, p) {
			kind, r = p, strings.TrimPrefix(r, p)
		}
	}
	r, _, _ = strings.Cut(r, "@")
	parts := strings.Split(strings.Trim(r, "/"), "/")
	if len(parts) > 2 {
		parts = parts[:2] // /tree/main, /resolve/rev/file, /blob/…
	}
	r = strings.Join(parts, "/")
	if !hfRepo.MatchString(r) {
		return Asset{}, false
	}
	return build(finding.AssetExternal, "hf://"+kind+r, nil), true
}

// MLflowModel is a model in an MLflow registry or run: models:/name/version,
// models:/name@alias and models:/name/stage all name the registered model
// "name" (the version moves; the thing an attacker swaps is the name);
// runs:/ID/path names the run's artifact.
func MLflowModel(uri string) (a Asset, ok bool) {
	u := strings.TrimSpace(uri)
	switch {
	case strings.HasPrefix(u, "models:/"):
		name := strings.TrimPrefix(u, "models:/")
		name, _, _ = strings.Cut(name, "@")
		name, _, _ = strings.Cut(name, "/")
		if name == "" {
			return Asset{}, false
		}
		return build(finding.AssetModel, "mlflow:models:/"+name, nil), true
	case strings.HasPrefix(u, "runs:/"):
		p := path.Clean("/" + strings.TrimPrefix(u, "runs:/"))
		if p == "/" {
			return Asset{}, false
		}
		return build(finding.AssetModel, "mlflow:runs:"+p, nil), true
	}
	return Asset{}, false
}

// Image is a container image reference, normalised as Docker does: a name
// without a registry is on docker.io, a single-component Docker Hub name is
// under library/, a missing tag is "latest". A digest, when present, is
// kept and the tag dropped, since the digest alone says what runs.
func Image(ref string) (a Asset, ok bool) {
	r := strings.TrimSpace(ref)
	if r == "" || strings.ContainsAny(r, " \t$") {
		return Asset{}, false
	}
	name, digest, _ := strings.Cut(r, "@")
	tag := ""
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, tag = name[:i], name[i+1:]
	}
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		if !hasSlash {
			name = "library/" + name
		}
		name = "docker.io/" + name
	}
	name = strings.ToLower(name)
	switch {
	case digest != "":
		name += "@" + digest
	case tag != "":
		name += ":" + tag
	default:
		name += ":latest"
	}
	return build(finding.AssetImage, name, nil), true
}

// Credential is a secret, named in the scope that holds it: "env" for an
// environment variable, "k8s" for a Kubernetes Secret (namespace/name),
// "github" for an Actions secret, "service-account" for a cloud identity.
func Credential(scope, name string) Asset {
	return build(finding.AssetCredential, scope+":"+name, nil)
}

// CloudRole is the cloud identity a workload or a resource acts as, named
// so that every place that mentions it joins: an AWS IAM role by its name
// (an IRSA annotation's ARN and a Terraform aws_iam_role give the same
// asset), a Google service account by its e-mail, any other identity (an
// Azure client ID) as written.
func CloudRole(ref string) Asset {
	r := strings.TrimSpace(ref)
	if strings.HasPrefix(r, "arn:") {
		if _, role, ok := strings.Cut(r, ":role/"); ok {
			return Credential("iam-role", path.Base(role))
		}
	}
	if strings.HasSuffix(strings.ToLower(r), ".iam.gserviceaccount.com") {
		return Credential("gcp-service-account", strings.ToLower(r))
	}
	return Credential("cloud-identity", r)
}

// Merge sorts assets by ID and folds those with one ID into one, keeping
// every location (sorted, duplicates dropped) and the union of attributes.
// When two places give an attribute different values, the value from the
// first location in sorted order wins, so the result never depends on which
// worker reported first.
func Merge(as []Asset) []Asset {
	for i := range as {
		sortLocations(as[i].Locations)
	}
	sort.SliceStable(as, func(i, j int) bool {
		if as[i].ID != as[j].ID {
			return as[i].ID < as[j].ID
		}
		return first(as[i].Locations).Compare(first(as[j].Locations)) < 0
	})
	out := as[:0]
	for _, a := range as {
		if n := len(out); n > 0 && out[n-1].ID == a.ID {
			prev := &out[n-1]
			prev.Locations = append(prev.Locations, a.Locations...)
			for k, v := range a.Attrs {
				if _, ok := prev.Attrs[k]; !ok {
					if prev.Attrs == nil {
						prev.Attrs = map[string]string{}
					}
					prev.Attrs[k] = v
				}
			}
			continue
		}
		out = append(out, a)
	}
	for i := range out {
		sortLocations(out[i].Locations)
		out[i].Locations = slices.Compact(out[i].Locations)
		if out[i].Locations == nil {
			out[i].Locations = []finding.Location{}
		}
	}
	return out
}

// MergeEdges sorts edges and drops duplicates.
func MergeEdges(es []Edge) []Edge {
	slices.SortFunc(es, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Kind, b.Kind))
	})
	return slices.Compact(es)
}

func first(ls []finding.Location) finding.Location {
	if len(ls) == 0 {
		return finding.Location{}
	}
	return ls[0]
}

func sortLocations(ls []finding.Location) {
	slices.SortFunc(ls, finding.Location.Compare)
}
