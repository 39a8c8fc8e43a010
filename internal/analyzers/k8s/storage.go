package k8s

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/finding"
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
		f.checkStorageURI(u, endpoint)
		f.recordModel(u, endpoint)
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

// checkStorageURI judges one model location.
func (f *file) checkStorageURI(n *yaml.Node, asset string) {
	raw := strings.TrimSpace(n.Value)
	if templated(raw) {
		return
	}
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "http://"):
		u, err := url.Parse(raw)
		host := ""
		if err == nil {
			host = u.Hostname()
		}
		if internalHost(host) {
			f.reportSev(rules.ModelFetchUnverified, rule.Medium, n, raw,
				fmt.Sprintf("the model is downloaded over plain HTTP from the cluster-internal host %s: anyone on the pod network can swap it in transit", host), asset)
			return
		}
		f.reportSev(rules.ModelFetchUnverified, rule.High, n, raw,
			"the model is downloaded over plain HTTP: anyone on the path can replace it, and pickle-based models run code when loaded", asset)
	case strings.HasPrefix(lower, "https://"):
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		h := strings.ToLower(u.Hostname())
		if h == "storage.googleapis.com" || strings.HasSuffix(h, ".s3.amazonaws.com") || (strings.HasPrefix(h, "s3.") || strings.HasPrefix(h, "s3-")) && strings.HasSuffix(h, ".amazonaws.com") ||
			strings.HasSuffix(h, ".storage.googleapis.com") {
			f.report(rules.ModelFetchUnverified, n, raw,
				"the model is fetched from an anonymous public object URL: the bucket is world-readable and outside the serving identity's access control", asset)
		}
	case strings.HasPrefix(lower, "hf://"):
		repo := raw[len("hf://"):]
		_, rev, ok := strings.Cut(repo, ":")
		if !ok || rev == "" || rev == "main" || rev == "master" {
			f.report(rules.ModelFetchUnverified, n, raw,
				"the Hugging Face model is not pinned to a revision: whatever is pushed to the repository is served at the next restart", asset)
		}
	}
}

// recordModel records the model location as an asset read by the endpoint.
func (f *file) recordModel(n *yaml.Node, endpoint string) {
	raw := strings.TrimSpace(n.Value)
	model := finding.AssetID(finding.AssetModel, raw)
	f.pass.AddAsset(finding.Asset{ID: model, Kind: finding.AssetModel, Name: raw, Location: f.loc(n)})
	if endpoint != "" {
		f.pass.AddEdge(finding.Edge{From: endpoint, To: model, Kind: finding.EdgeReads})
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return
	}
	scheme = strings.ToLower(scheme)
	bucket, _, _ := strings.Cut(rest, "/")
	var store string
	var kind finding.AssetKind
	switch scheme {
	case "s3", "gs", "gcs", "abfs", "abfss", "wasb", "wasbs", "oss", "minio":
		store, kind = scheme+"://"+bucket, finding.AssetDataStore
	case "pvc":
		store, kind = "pvc:"+bucket, finding.AssetDataStore
	case "hf":
		repo, _, _ := strings.Cut(rest, ":")
		store, kind = "hf://"+repo, finding.AssetExternal
	case "http", "https":
		store, kind = scheme+"://"+bucket, finding.AssetExternal
	default:
		return
	}
	id := finding.AssetID(kind, store)
	f.pass.AddAsset(finding.Asset{ID: id, Kind: kind, Name: store, Location: f.loc(n)})
	if endpoint != "" {
		f.pass.AddEdge(finding.Edge{From: endpoint, To: id, Kind: finding.EdgeReads})
	}
}
