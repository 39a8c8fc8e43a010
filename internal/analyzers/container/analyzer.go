// Package container checks Dockerfiles and docker-compose files of ML
// projects: credentials baked into images, remote scripts and model weights
// fetched without verification, unpinned base images, images running as
// root, and ML services (MLflow, Ray, Jupyter, MinIO…) published without
// authentication or with default credentials.
package container

import (
	"fmt"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer is the container analyzer.
var Analyzer = &analysis.Analyzer{
	Name: "container",
	Doc: "Reads Dockerfiles (buildkit parser, RUN bodies parsed as shell) and docker-compose files, and reports " +
		"secrets in ENV/ARG and environment, curl|sh, ADD of URLs, model downloads without checksums, unpinned " +
		"base images, root images, extra pip indexes, and ML services exposed without auth or with default credentials.",
	Kinds: []source.Kind{source.Dockerfile, source.Compose},
	Rules: append([]*rule.Rule{
		rules.CredentialInEnv, rules.RemoteCodeExec, rules.RemoteAddNoChecksum, rules.RunsAsRoot, rules.ImageNotPinned, rules.ExtraIndexURL,
		rules.InsecureIndex, rules.ModelFetchUnverified, rules.ServicePublished, rules.DefaultCredentials, rules.VectorDBNoAuth,
	}, mlcmd.Rules...),
	Run: run,
}

func run(p *analysis.Pass) error {
	switch p.Kind {
	case source.Dockerfile:
		return runDockerfile(p)
	case source.Compose:
		return runCompose(p)
	}
	return fmt.Errorf("container analyzer: unexpected file kind %q", p.Kind)
}
