package iac

import (
	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/siblings"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// A Terraform module is every .tf file of one directory: variables live in
// variables.tf, a bucket in main.tf and its versioning in storage.tf. The
// analyzer still reports per file, but hands tfeval the other .tf files of
// the file's directory for context: variable defaults, locals and companion
// resources.
//
// siblingFiles is the only place the analyzer reads anything beyond the
// file it was given. It returns the other .tf files next to the analyzed
// file, in name order, within the bounds of package siblings (no symbolic
// links, which may point out of the scan root; no archive members; at most
// siblings.MaxFiles files and siblings.MaxTotal bytes).
func siblingFiles(pass *analysis.Pass) []tfeval.File {
	var out []tfeval.File
	for _, f := range siblings.Read(pass, []string{".tf"}, nil) {
		out = append(out, tfeval.File{Path: f.Path, Content: f.Src})
	}
	return out
}
