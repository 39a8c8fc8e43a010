package iac

import (
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// bucketTypes maps the resource types that are object stores to their
// provider, as package asset names them.
var bucketTypes = map[string]string{
	"aws_s3_bucket":             "s3",
	"google_storage_bucket":     "gs",
	"azurerm_storage_container": "az",
}

// bucket is one object store, declared in the module or only referenced from it.
type bucket struct {
	Key      string           // "aws_s3_bucket.training", or "s3://name" for a bucket known only by name
	Scheme   string           // s3, gs, az
	Res      *tfeval.Resource // nil when not declared in this module
	Name     string           // the bucket's name when resolved ("account/container" on Azure), else ""
	Label    string           // the resource name, or the literal bucket name
	ML       bool
	MLWhy    string
	MLAt     hcl.Range // what MLWhy rests on: the declaration or the ML resource using it; zero when only named
	Public   bool      // readable or writable by anyone, effective in this module
	Write    bool
	Grants   []grant // the grants that make it public
	Versions bool
}

// Asset is the bucket's data-store asset: by provider and name when the
// name resolves, so that the Terraform bucket, a DVC remote on it and an
// s3:// URI in code are one asset; else by its Terraform address.
func (b *bucket) Asset() asset.Asset {
	if b.Name != "" {
		return asset.Bucket(b.Scheme, b.Name)
	}
	return asset.Unresolved(finding.AssetDataStore, b.Key)
}

// AssetID is the ID of Asset.
func (b *bucket) AssetID() string { return b.Asset().ID }

// Title names the bucket in messages.
func (b *bucket) Title() string {
	if b.Name != "" && b.Res != nil {
		return b.Key + " (" + b.Name + ")"
	}
	return b.Key
}

// bucketIndex holds the file's buckets.
type bucketIndex struct {
	list   []*bucket
	byKey  map[string]*bucket
	byName map[string]*bucket // "s3://name" → bucket
}

// indexBuckets collects the buckets declared in the file and classifies
// them by name and tags.
func (c *checker) indexBuckets() *bucketIndex {
	ix := &bucketIndex{byKey: map[string]*bucket{}, byName: map[string]*bucket{}}
	for _, r := range c.m.Resources {
		scheme, ok := bucketTypes[r.Type]
		if !ok || r.Data {
			continue
		}
		b := &bucket{Key: r.Addr(), Scheme: scheme, Res: r, Label: r.Name}
		nameAttr := "bucket"
		if scheme != "s3" {
			nameAttr = "name"
		}
		nv := c.m.Eval(r.Body(), nameAttr)
		if s, ok := nv.Str(); ok && s != "" {
			b.Name = s
			if scheme == "az" {
				if acct := c.storageAccount(r); acct != "" {
					b.Name = acct + "/" + s
				}
			}
		}
		words := []string{r.Name, nv.Raw(), c.m.Eval(r.Body(), "bucket_prefix").Raw()}
		words = append(words, c.tagValues(r.Body())...)
		if why := mlWords(words...); why != "" {
			b.ML, b.MLWhy, b.MLAt = true, "its name or tags mention "+why, r.Range()
		}
		ix.add(b)
	}
	return ix
}

func (ix *bucketIndex) add(b *bucket) {
	ix.list = append(ix.list, b)
	ix.byKey[b.Key] = b
	if b.Name != "" {
		ix.byName[nameKey(b.Scheme, b.Name)] = b
	}
}

// nameKey identifies a bucket by name: S3 and GCS bucket names are lower
// case, and a URI written in capitals names the same bucket.
func nameKey(scheme, name string) string { return scheme + "://" + strings.ToLower(name) }

// storageAccount is the name of the Azure storage account a container is
// in: storage_account_name, or the name of the azurerm_storage_account its
// storage_account_id refers to; "" when unknown.
func (c *checker) storageAccount(r *tfeval.Resource) string {
	if s, ok := c.m.Eval(r.Body(), "storage_account_name").Str(); ok {
		return s
	}
	for _, addr := range tfeval.Refs(tfeval.ExprOf(r.Body(), "storage_account_id")) {
		if acct := c.m.Resource(addr); acct != nil && acct.Type == "azurerm_storage_account" {
			if s, ok := c.m.Eval(acct.Body(), "name").Str(); ok {
				return s
			}
		}
	}
	return ""
}

// tagValues returns the known string values of a resource's tags / labels.
func (c *checker) tagValues(body *hclsyntax.Body) []string {
	var out []string
	for _, name := range []string{"tags", "labels", "metadata"} {
		v := c.m.Eval(body, name)
		if v.Attr == nil || v.Failed || !v.V.IsKnown() || v.V.IsNull() {
			continue
		}
		t := v.V.Type()
		if !t.IsMapType() && !t.IsObjectType() {
			continue
		}
		for it := v.V.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
				out = append(out, e.AsString())
			}
		}
	}
	return out
}

// mlTerms mark a bucket as holding training data or models. Short terms
// must start a word; longer ones may appear inside one ("mlflowartifacts").
var mlTerms = []string{"dataset", "training", "features", "feature-store", "model", "artifact", "mlflow", "registry",
	"checkpoint", "sagemaker", "vertex", "data", "train", "dvc", "ckpt", "weights"}

var wordSplit = regexp.MustCompile(`[^a-z0-9]+`)

// mlWords returns the first ML term found in the words, or "".
func mlWords(words ...string) string {
	for _, w := range words {
		w = tfeval.StripPlaceholders(strings.ToLower(w))
		for _, tok := range wordSplit.Split(w, -1) {
			if tok == "" {
				continue
			}
			for _, t := range mlTerms {
				if strings.HasPrefix(tok, t) || (len(t) >= 5 && strings.Contains(tok, t)) {
					return "\"" + t + "\""
				}
			}
		}
	}
	return ""
}

// uriRE finds bucket URIs and ARNs in strings.
var uriRE = regexp.MustCompile(`(?:(s3|gs)://|arn:aws[a-z-]*:s3:::)([a-z0-9][a-z0-9._-]{1,221})`)

// lookup finds (or, for buckets declared elsewhere, creates) the bucket a
// companion resource's attribute names: by reference to a bucket resource,
// or by its literal name. scheme is the default for a bare name.
func (c *checker) lookup(body *hclsyntax.Body, name, scheme string) *bucket {
	a := tfeval.Attr(body, name)
	if a == nil {
		return nil
	}
	if b, ok := c.linked[a]; ok {
		return b
	}
	b := c.resolveBucket(a, scheme)
	c.linked[a] = b
	return b
}

func (c *checker) resolveBucket(a *hclsyntax.Attribute, scheme string) *bucket {
	for _, addr := range tfeval.Refs(a.Expr) {
		if b := c.bucketByAddr(addr); b != nil {
			return b
		}
	}
	s, ok := c.m.EvalAttr(a).Str()
	if !ok || s == "" {
		return nil
	}
	if m := uriRE.FindStringSubmatch(s); m != nil {
		if m[1] != "" {
			scheme = m[1]
		}
		s = m[2]
	}
	return c.bucketByName(scheme, s)
}

// bucketByAddr returns the bucket with that resource address, creating an
// undeclared one when the address is a bucket type declared elsewhere.
func (c *checker) bucketByAddr(addr string) *bucket {
	if b := c.bk.byKey[addr]; b != nil {
		return b
	}
	typ, label, ok := strings.Cut(addr, ".")
	scheme, isBucket := bucketTypes[typ]
	if !ok || !isBucket {
		return nil
	}
	b := &bucket{Key: addr, Scheme: scheme, Label: label}
	if why := mlWords(label); why != "" {
		b.ML, b.MLWhy = true, "its resource name mentions "+why
	}
	c.bk.add(b)
	return b
}

// bucketByName returns the bucket with that name, creating an undeclared one.
func (c *checker) bucketByName(scheme, name string) *bucket {
	if b := c.bk.byName[nameKey(scheme, name)]; b != nil {
		return b
	}
	b := &bucket{Key: scheme + "://" + name, Scheme: scheme, Name: name, Label: name}
	if why := mlWords(name); why != "" {
		b.ML, b.MLWhy = true, "its name mentions "+why
	}
	c.bk.add(b)
	return b
}

// bucketsIn returns the buckets a string mentions: by reference
// placeholder or by s3://, gs:// URI or S3 ARN.
func (c *checker) bucketsIn(s string) []*bucket {
	var out []*bucket
	for _, addr := range tfeval.PlaceholderRefs(s, 8) {
		if b := c.bucketByAddr(addr); b != nil {
			out = append(out, b)
		}
	}
	for _, m := range uriRE.FindAllStringSubmatch(s, 8) {
		scheme := m[1]
		if scheme == "" {
			scheme = "s3"
		}
		out = append(out, c.bucketByName(scheme, m[2]))
	}
	return out
}

// companions returns the resources of type typ whose `bucket` attribute
// names b.
func (c *checker) companions(b *bucket, typ string) []*tfeval.Resource {
	var out []*tfeval.Resource
	for _, r := range c.m.OfType(typ) {
		if c.lookup(r.Body(), "bucket", b.Scheme) == b {
			out = append(out, r)
		}
	}
	return out
}

// sorted returns the buckets in a stable order: declared ones by position
// in m's load order (the analyzed file's first), then the others by key.
func (ix *bucketIndex) sorted(m *tfeval.Module) []*bucket {
	out := append([]*bucket(nil), ix.list...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Res != nil) != (b.Res != nil) {
			return a.Res != nil
		}
		if a.Res != nil {
			return m.Before(a.Res.Range(), b.Res.Range())
		}
		return a.Key < b.Key
	})
	return out
}
