package k8s

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// checkVectorDB reports a vector database container without
// authentication whose pod a Service or route exposes outside the cluster.
// Inside the cluster such a store is the normal shape of a RAG stack;
// published, it hands the documents behind the application to anyone.
func (f *file) checkVectorDB(p *pod, c *yaml.Node, asset string) {
	img := yamlutil.Get(c, "image")
	product, open, why := mlcmd.VectorStore(yamlutil.Str(img), containerEnv(c))
	if !open {
		return
	}
	e := f.exposureOf(p)
	if e.level == exposedNone {
		return
	}
	f.fold(c, analysis.Diagnostic{Rule: rules.VectorDBNoAuth, Location: f.loc(img), Evidence: "image: " + yamlutil.Str(img),
		Message: fmt.Sprintf("%s in %s %s is exposed outside the cluster through %s without authentication: %s", product, p.obj.kind, p.obj.name, e.via, why),
		Assets:  ids(asset)})
}

// checkComputeImage reports a Spark standalone master or an H2O node that a
// Service or route exposes outside the cluster: both run the code they are
// sent without authentication by default. (A Dask scheduler is recognised
// by its command line, see checkCommand.)
func (f *file) checkComputeImage(p *pod, c *yaml.Node, asset string) {
	img := yamlutil.Get(c, "image")
	image := strings.ToLower(yamlutil.Str(img))
	var words []string
	for _, k := range []string{"command", "args"} {
		for _, a := range limit(yamlutil.Items(yamlutil.Get(c, k))) {
			words = append(words, strings.ToLower(yamlutil.Str(a)))
		}
	}
	cmd := strings.Join(words, " ")
	env := containerEnv(c)
	what := ""
	switch {
	case strings.Contains(image, "spark") && (strings.Contains(cmd, "deploy.master.master") || strings.Contains(cmd, "start-master") ||
		strings.EqualFold(env["SPARK_MODE"], "master")):
		if strings.Contains(cmd, "spark.authenticate=true") || strings.EqualFold(env["SPARK_RPC_AUTHENTICATION_ENABLED"], "yes") {
			return
		}
		what = "a Spark standalone master (7077, REST submission 6066)"
	case strings.Contains(image, "h2o") && !strings.Contains(image, "h2ogpt") && !strings.Contains(cmd, "_login"):
		what = "an H2O node (54321) started without a login option"
	default:
		return
	}
	e := f.exposureOf(p)
	if e.level == exposedNone {
		return
	}
	d := analysis.Diagnostic{Rule: rules.ComputeClusterNoAuth, Location: f.loc(img), Evidence: "image: " + yamlutil.Str(img),
		Message: fmt.Sprintf("%s %s runs %s, exposed outside the cluster through %s: it runs the code it is sent without authentication", p.obj.kind, p.obj.name, what, e.via),
		Assets:  ids(asset)}
	if e.level != exposedPublic {
		d.Severity, d.SeverityReason = rule.High, "reached through "+e.via+" on the nodes' addresses, not a public load balancer or route"
	}
	f.fold(c, d)
}
