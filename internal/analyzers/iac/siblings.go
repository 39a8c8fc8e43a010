package iac

import (
	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// A Terraform module is every .tf file of one directory: variables live in
// variables.tf, a bucket in main.tf and its versioning in storage.tf. The
// analyzer still reports per file, but hands tfeval the other .tf files of
// the file's directory for context: variable defaults, locals and companion
// resources.
//
// siblingFiles is the only place the analyzer reads anything beyond the
// file it was given. It returns the other Terraform files of the analyzed
// file's directory as the project index has them, in path order: files of
// the scan only (excludes and .gitignore apply), never through a symbolic
// link (which may point out of the scan root), never an archive member,
// and within the index's bounds on how many files and bytes one directory
// contributes.
func siblingFiles(pass *analysis.Pass) []tfeval.File {
	var out []tfeval.File
	for _, f := range pass.Siblings(source.Terraform) {
		out = append(out, tfeval.File{Path: f.Path, Content: f.Content})
	}
	return out
}
