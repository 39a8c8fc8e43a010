package k8s

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// maxGraphDepth bounds the walk down a Seldon inference graph.
const maxGraphDepth = 32

// storageURIs checks and records the model locations of serving resources.
func (f *file) storageURIs(o *object) {
	var uris []*yaml.Node
	switch {
	case o.group() == "serving.kserve.io" && o.kind == "InferenceService":
		for _, comp := range []string{"predictor", "transformer", "explainer"} {
			c := yamlutil.Path(o.node, "spec", comp)
			for _, b := range kserveModelBlocks {
				blk := yamlutil.Get(c, b)
				if u := yamlutil.Get(blk, "storageUri"); u != nil {
					uris = append(uris, u)
				}
				for _, su := range limit(yamlutil.Items(yamlutil.Get(blk, "storageUris"))) {
					if u := yamlutil.Get(su, "uri"); u != nil {
						uris = append(uris, u)
					}
				}
			}
		}
	case o.group() == "serving.kserve.io" && o.kind == "TrainedModel":
		if u := yamlutil.Path(o.node, "spec", "model", "storageUri"); u != nil {
			uris = append(uris, u)
		}
	case o.group() == "machinelearning.seldon.io" && o.kind == "SeldonDeployment":
		for _, pr := range limit(yamlutil.Items(yamlutil.Path(o.node, "spec", "predictors"))) {
			seldonGraph(yamlutil.Get(pr, "graph"), 0, &uris)
		}
	case o.group() == "mlops.seldon.io" && o.kind == "Model":
		if u := yamlutil.Path(o.node, "spec", "storageUri"); u != nil {
			uris = append(uris, u)
		}
	}
	if len(uris) == 0 {
		return
	}
	endpoint := f.endpointAsset(o)
	for _, u := range uris {
		if u.Kind != yaml.ScalarNode || u.Value == "" || !f.once(u) {
			continue
		}
		f.checkStorageURI(u, append([]string{endpoint}, f.recordModel(u, endpoint, o.namespace)...))
	}
}

func seldonGraph(g *yaml.Node, depth int, out *[]*yaml.Node) {
	if g == nil || depth > maxGraphDepth || len(*out) >= maxItems {
		return
	}
	if u := yamlutil.Get(g, "modelUri"); u != nil {
		*out = append(*out, u)
	}
	for _, c := range limit(yamlutil.Items(yamlutil.Get(g, "children"))) {
		seldonGraph(c, depth+1, out)
	}
}

// internalHost reports cluster-internal or private host names.
func internalHost(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsPrivate() || ip.IsLoopback()
	}
	return !strings.Contains(h, ".") || strings.HasSuffix(h, ".svc") || strings.HasSuffix(h, ".svc.cluster.local") ||
		strings.HasSuffix(h, ".cluster.local") || strings.HasSuffix(h, ".local") || strings.HasSuffix(h, ".internal")
}

// checkStorageURI judges one model location; assets are those it touches.
func (f *file) checkStorageURI(n *yaml.Node, assets []string) {
	raw := strings.TrimSpace(n.Value)
	if templated(raw) {
		return
	}
	d := analysis.Diagnostic{Rule: rules.ModelFetchUnverified, Location: f.loc(n), Evidence: raw, Assets: ids(assets...)}
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "http://"):
		u, err := url.Parse(raw)
		host := ""
		if err == nil {
			host = u.Hostname()
		}
		if internalHost(host) {
			d.Message = fmt.Sprintf("the model is downloaded over plain HTTP from the cluster-internal host %s: anyone on the pod network can swap it in transit", host)
		} else {
			d.Severity, d.SeverityReason = rule.High, "plain HTTP from a host outside the cluster: anyone on the path can swap the model"
			d.Message = "the model is downloaded over plain HTTP: anyone on the path can replace it, and pickle-based models run code when loaded"
		}
	case strings.HasPrefix(lower, "https://"):
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		h := strings.ToLower(u.Hostname())
		if m := shellrisk.MovingReference(raw); m != "" {
			d.Message = "the model is downloaded from a URL that follows " + m + ": a push there changes the model served at the next restart, with nothing to verify it"
			if shellrisk.PickleFormat(raw) {
				d.Severity, d.SeverityReason = rule.High, "the model is in a pickle-based format, so a replaced file runs its code in the server"
			}
			break
		}
		if !(h == "storage.googleapis.com" || strings.HasSuffix(h, ".s3.amazonaws.com") || (strings.HasPrefix(h, "s3.") || strings.HasPrefix(h, "s3-")) && strings.HasSuffix(h, ".amazonaws.com") ||
			strings.HasSuffix(h, ".storage.googleapis.com")) {
			return
		}
		d.Message = "the model is fetched from an anonymous public object URL: the bucket is world-readable and outside the serving identity's access control"
	case strings.HasPrefix(lower, "hf://"):
		repo := raw[len("hf://"):]
		_, rev, ok := strings.Cut(repo, ":")
		if ok && rev != "" && rev != "main" && rev != "master" {
			return
		}
		d.Message = "the Hugging Face model is not pinned to a revision: whatever is pushed to the repository is served at the next restart"
	case strings.HasPrefix(lower, "s3://") || strings.HasPrefix(lower, "gs://") || strings.HasPrefix(lower, "az://") ||
		strings.HasPrefix(lower, "abfss://") || strings.HasPrefix(lower, "oci://"):
		m := shellrisk.MovingReference(raw)
		if m == "" {
			return
		}
		d.Message = "the model path follows " + m + ": whoever writes it changes the model served at the next restart, with no digest to check"
	default:
		return
	}
	f.pass.Report(d)
}

// recordModel records the model location, and the store or hub repository
// holding it, as assets the endpoint reads; it returns their IDs. ns is the
// namespace a pvc:// claim is looked up in.
func (f *file) recordModel(n *yaml.Node, endpoint, ns string) []string {
	raw := strings.TrimSpace(n.Value)
	if raw == "" || templated(raw) {
		return nil // filled in at run time: no identity to give it
	}
	var out []string
	add := func(a finding.Asset) {
		a.Locations = []finding.Location{f.loc(n)}
		f.pass.AddAsset(a)
		if endpoint != "" {
			f.pass.AddEdge(finding.Edge{From: endpoint, To: a.ID, Kind: finding.EdgeReads})
		}
		out = append(out, a.ID)
	}
	if a, ok := asset.MLflowModel(raw); ok {
		add(a)
		return out
	}
	add(asset.New(finding.AssetModel, raw))
	if a, ok := asset.DataStore(raw); ok {
		add(a)
		return out
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return out
	}
	scheme = strings.ToLower(scheme)
	if scheme == "hf" {
		repo, _, _ := strings.Cut(rest, ":") // KServe and Seldon write the revision as hf://org/name:rev
		if a, ok := asset.HuggingFace("hf://" + repo); ok {
			add(a)
		}
		return out
	}
	if a, ok := asset.HuggingFace(raw); ok && strings.HasPrefix(strings.ToLower(rest), "huggingface.co/") {
		add(a)
		return out
	}
	first, _, _ := strings.Cut(rest, "/")
	switch scheme {
	case "pvc":
		// A claim is named within the namespace of the resource that mounts it.
		add(asset.New(finding.AssetDataStore, "pvc:"+nsKey(ns, first)))
	case "oss":
		add(asset.New(finding.AssetDataStore, "oss://"+strings.ToLower(first)))
	case "http", "https":
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			add(asset.New(finding.AssetExternal, scheme+"://"+strings.ToLower(u.Host)))
		}
	}
	return out
}
