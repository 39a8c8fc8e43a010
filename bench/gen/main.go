// Command gen writes a synthetic ML project tree for benchmarks:
//
//	go run ./bench/gen -out /tmp/mlsec-bench -py 2000 -nb 200
package main

import (
	"flag"
	"log"
	"os"

	"github.com/mlsec/mlsec/internal/benchgen"
)

func main() {
	out := flag.String("out", "", "directory to write (must not exist)")
	var t benchgen.Tree
	flag.IntVar(&t.Python, "py", 0, "Python files")
	flag.IntVar(&t.Notebooks, "nb", 0, "notebooks")
	flag.IntVar(&t.Manifests, "yaml", 0, "Kubernetes manifests")
	flag.IntVar(&t.Terraform, "tf", 0, "Terraform files")
	flag.IntVar(&t.Dockerfiles, "docker", 0, "Dockerfiles")
	flag.IntVar(&t.Pipelines, "pipelines", 0, "Argo pipeline workflows")
	flag.IntVar(&t.Docs, "docs", 0, "Markdown and CSV files")
	flag.IntVar(&t.RBAC, "rbac", 0, "ServiceAccount, Role and RoleBinding files beside the manifests")
	flag.IntVar(&t.Workflows, "ci", 0, "CI files: GitHub Actions workflows and GitLab pipelines")
	repo := flag.Bool("repo", false, "the shape of a real 4,400-file ML repository (overrides the counts)")
	flag.Parse()
	if *repo {
		t = benchgen.Repo
	}
	if *out == "" {
		log.Fatal("gen: -out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		log.Fatalf("gen: %s exists; remove it first", *out)
	}
	if err := benchgen.Write(*out, t); err != nil {
		log.Fatal(err)
	}
}
