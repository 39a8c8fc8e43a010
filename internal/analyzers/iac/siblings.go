package iac

import (
	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/siblings"
)

// siblingLineBase is where the line numbers of the i-th sibling file start:
// sibling i is parsed from line (i+1)*siblingLineBase, so a position says
// which file it is in, and a line at or past siblingLineBase is never in the
// analyzed file (which maxSource keeps far below this many lines). Every
// finding and asset is gated on its line (see checker.local), so only what
// the analyzed file declares is reported, and nothing twice.
const siblingLineBase = 1 << 24

// sibling is another .tf file of the analyzed file's directory.
type sibling struct {
	name string
	src  []byte
}

// A Terraform module is every .tf file of one directory: variables live in
// variables.tf, a bucket in main.tf and its versioning in storage.tf. The
// analyzer still reports per file, but it reads the other .tf files of the
// file's directory for context — variable defaults, locals and companion
// resources.
//
// readSiblings reads the other .tf files next to the analyzed file, in
// name order, within the bounds of package siblings (no symbolic links, no
// archive members, at most siblings.MaxFiles files and siblings.MaxTotal bytes).
func readSiblings(pass *analysis.Pass) []sibling {
	var out []sibling
	for _, f := range siblings.Read(pass, []string{".tf"}, nil) {
		out = append(out, sibling{name: f.Path, src: f.Src})
	}
	return out
}

// local reports whether line is in the analyzed file rather than a sibling.
func local(line int) bool { return line < siblingLineBase }
