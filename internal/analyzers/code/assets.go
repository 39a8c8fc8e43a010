package code

import (
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/python"
)

// maxCallAssets bounds the assets taken from one call: a generated file
// with a call of thousands of literal URIs must not flood the graph.
const maxCallAssets = 16

// callAssets records the assets call c (resolved as name) pulls in and
// returns their IDs, for the findings about c to carry: a Hub repository
// or dataset, a torch.hub GitHub repository, the bucket a load reads from,
// an MLflow registered model or run artifact.
func (t *target) callAssets(c *python.Call, name string) []string {
	if name == "" {
		name = c.Callee
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	var out []asset.Asset
	if a, ok := hubAsset(c, name, last); ok {
		out = append(out, a)
	}
	if isLoadCall(name, last) {
		for i := range c.Args {
			if len(out) >= maxCallAssets {
				break
			}
			if a, ok := storeAsset(&c.Args[i]); ok {
				out = append(out, a)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	loc := t.at(c)
	var ids []string
	seen := map[string]bool{}
	for _, a := range out {
		if seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		a.Locations = []finding.Location{loc}
		t.pass.AddAsset(a)
		ids = append(ids, a.ID)
	}
	return ids
}

// hubAsset is the external repository a hub call names by a literal: a
// Hugging Face model or dataset (from_pretrained, hf_hub_download,
// load_dataset, pipeline(model=…), anything with trust_remote_code) or
// the GitHub repository torch.hub.load runs hubconf.py from.
func hubAsset(c *python.Call, name, last string) (asset.Asset, bool) {
	if name == "torch.hub.load" {
		a := argAt(c, "repo_or_dir", 0)
		if a == nil || a.Kind != python.StringLit {
			return asset.Asset{}, false
		}
		if s := c.Arg("source"); s != nil && s.Kind == python.StringLit && s.Value == "local" {
			return asset.Asset{}, false
		}
		repo, _, _ := strings.Cut(a.Value, ":")
		if !hubRepo.MatchString(repo) {
			return asset.Asset{}, false
		}
		// GitHub owner and repository names are case-insensitive: one
		// repository written two ways is one asset.
		return asset.New(finding.AssetExternal, "github:"+strings.ToLower(repo)), true
	}
	kind := ""
	switch {
	case last == "from_pretrained", last == "from_single_file", last == "hf_hub_download", last == "snapshot_download":
		kind = "model"
	case last == "pipeline" && strings.HasPrefix(name, "transformers."):
		// transformers.pipeline(task, model=…); other libraries' pipeline()
		// (a KFP decorator, scikit-learn) names no Hub repository.
		kind = "model"
	case last == "load_dataset":
		kind = "dataset"
	case c.Arg("trust_remote_code").IsTrue():
		kind = "model"
	default:
		return asset.Asset{}, false
	}
	ref := hubRef(c)
	if ref == "" {
		return asset.Asset{}, false
	}
	if kind == "dataset" && hubRepo.MatchString(ref) {
		ref = "datasets/" + ref // a dataset and a model may share a name: they are different repositories
	}
	a, ok := asset.HuggingFace(ref)
	if !ok {
		return asset.Asset{}, false
	}
	// No revision attribute: the asset is the repository, met at several
	// revisions across a project, and merged attributes keep one value
	// only. The revision each use pins is in that use's finding.
	a.Attrs = map[string]string{"type": kind, "source": "huggingface"}
	return a, true
}

// hubRef returns the literal Hub reference a call names: an "org/name"
// repository ID, an hf:// URI or a huggingface.co URL; "" for anything
// else (a local directory, a name computed at run time, a bare "gpt2",
// which is as likely a local folder).
func hubRef(c *python.Call) string {
	ok := func(a *python.Arg) bool {
		if a == nil || a.Kind != python.StringLit {
			return false
		}
		v := a.Value
		return hubRepo.MatchString(v) || strings.HasPrefix(v, "hf://") || strings.HasPrefix(v, "https://huggingface.co/")
	}
	for _, kw := range []string{"pretrained_model_name_or_path", "repo_id", "path", "model", "model_id"} {
		if a := c.Arg(kw); a != nil {
			if ok(a) {
				return a.Value
			}
			return ""
		}
	}
	if a := c.Positional(0); ok(a) {
		return a.Value
	}
	return ""
}

// loadVerbs are the last names of calls that read what a storage or
// MLflow URI argument names, besides load*/read* (load, load_model,
// read_pickle, read_parquet…).
var loadVerbs = map[string]bool{
	"from_pretrained": true, "from_single_file": true, "hf_hub_download": true, "snapshot_download": true,
	"download_artifacts": true, "download_file": true, "open": true,
}

// isLoadCall reports whether a call reads from the URIs among its
// arguments. A bare open() is Python's, which cannot read s3://; a
// qualified one (fsspec.open, smart_open.open) can.
func isLoadCall(name, last string) bool {
	if last == "open" {
		return strings.Contains(name, ".")
	}
	return strings.HasPrefix(last, "load") || strings.HasPrefix(last, "read") || loadVerbs[last]
}

// templated matches a value that is a template rather than a URI:
// "s3://${BUCKET}/x" expanded by os.path.expandvars, "s3://%s/x" or
// "s3://{}/x" formatted later. Its bucket is not the text as written.
var templated = regexp.MustCompile(`[$%{}<>\s]`)

// storeAsset is the data store or MLflow model a literal argument names.
func storeAsset(a *python.Arg) (asset.Asset, bool) {
	if a.Kind != python.StringLit || !strings.Contains(a.Value, ":/") || templated.MatchString(a.Value) {
		return asset.Asset{}, false
	}
	if m, ok := asset.MLflowModel(a.Value); ok {
		return m, true
	}
	return asset.DataStore(a.Value)
}
