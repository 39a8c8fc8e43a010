// Package k8s checks Kubernetes manifests, Helm chart values and Kubeflow
// Pipelines IR for the platform mistakes that expose ML workloads: escape
// routes from containers, credentials in manifests, Ray, Jupyter, MLflow and
// model servers reachable without authentication, models fetched from
// insecure locations, default passwords on artifact stores.
//
// Besides core workloads it reads the ML resources generic scanners skip:
// KServe, Seldon, KubeRay, Kubeflow notebooks and training operators, Argo
// Workflows and KFP IR. Where each kind keeps its pod specs is written down
// once, in the table of walker.go.
//
// Services and Ingresses are correlated with workloads by label selector and
// name within the file and, when a severity depends on it, with the
// Services and Ingresses of the other manifests of its directory (xfile.go).
// Findings are only ever reported in the analyzed file; a sibling's Service
// may be a Related place.
//
// One rule about one subject (a container, a pod spec, a Ray cluster, an
// image reference) is one finding however many reasons lead to it: the most
// severe leads and the others are Related places (file.go, fold).
package k8s

import (
	"bytes"
	"fmt"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// Analyzer is the k8s analyzer.
var Analyzer = &analysis.Analyzer{
	Name:  "k8s",
	Doc:   "Kubernetes manifests (core workloads, KServe, Seldon, Ray, Kubeflow, Argo), JupyterHub chart values and Kubeflow Pipelines IR: container escape routes, plaintext and default credentials, exposed Ray/Jupyter/MLflow/model-server APIs, insecure model storage URIs.",
	Kinds: []source.Kind{source.Kubernetes, source.HelmValues, source.KFPPipeline},
	Rules: allRules(),
	Run:   run,
}

// sharedRules are the mlcmd rules this analyzer reports for container
// command lines. Ray's and TensorBoard's bind-address rules are left out:
// inside a pod every server must listen on all interfaces for its Service
// to reach it, so exposure is judged on the Service instead (exposure/ray-dashboard).
var sharedRules = []*rule.Rule{rules.MLflowNoAuth, rules.JupyterNoAuth, rules.JupyterInsecureOption, rules.ModelServerAdmin,
	rules.LLMAPINoAuth, rules.ComputeClusterNoAuth, rules.OrchestratorNoAuth}

func allRules() []*rule.Rule {
	out := append([]*rule.Rule{}, OwnRules...)
	return append(out, sharedRules...)
}

func run(pass *analysis.Pass) error {
	docs, perr := yamlutil.Parse(pass.Content)
	f := newFile(pass, docs)
	switch pass.Kind {
	case source.HelmValues:
		for _, d := range docs {
			f.helmValues(d)
		}
	case source.KFPPipeline:
		for _, d := range docs {
			f.kfp(d)
		}
	default:
		f.manifests()
	}
	f.flush()
	if perr != nil {
		if bytes.Contains(pass.Content, []byte("{{")) {
			return fmt.Errorf("%v (the file looks like an unrendered Helm or Go template: scan the output of `helm template` instead)", perr)
		}
		return perr
	}
	if pass.Canceled() {
		return fmt.Errorf("analysis stopped: %v", pass.Context.Err())
	}
	return nil
}
