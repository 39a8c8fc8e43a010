package iac

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
)

// A Terraform module is every .tf file of one directory: variables live in
// variables.tf, a bucket in main.tf and its versioning in storage.tf. The
// analyzer still reports per file, but it reads the other .tf files of the
// file's directory for context — variable defaults, locals and companion
// resources — within these bounds.
const (
	maxSiblings     = 64      // other .tf files read
	maxSiblingSize  = 4 << 20 // bytes, per file
	maxSiblingTotal = 16 << 20
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

// readSiblings reads the other .tf files next to the analyzed file, in
// name order. Files that are not regular (symbolic links included: they may
// point out of the scan root), too large, or over the count and total
// bounds are left out; an unreadable directory just means no siblings.
// Files found inside archives have no directory of their own and get none.
func readSiblings(pass *analysis.Pass) []sibling {
	osPath := pass.File.OS
	if osPath == "" || !strings.EqualFold(filepath.Ext(osPath), ".tf") ||
		filepath.Base(osPath) != path.Base(pass.File.Path) {
		return nil
	}
	self, err := os.Lstat(osPath)
	if err != nil || !self.Mode().IsRegular() {
		return nil
	}
	dir := filepath.Dir(osPath)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var out []sibling
	total := 0
	for _, e := range entries {
		if len(out) >= maxSiblings || pass.Canceled() {
			break
		}
		name := e.Name()
		if !e.Type().IsRegular() || !strings.EqualFold(filepath.Ext(name), ".tf") {
			continue
		}
		p := filepath.Join(dir, name)
		info, err := e.Info()
		if err != nil || info.Size() > maxSiblingSize || total+int(info.Size()) > maxSiblingTotal || os.SameFile(info, self) {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil || len(src) > maxSiblingSize {
			continue
		}
		total += len(src)
		out = append(out, sibling{name: p, src: src})
	}
	return out
}

// local reports whether line is in the analyzed file rather than a sibling.
func local(line int) bool { return line < siblingLineBase }
