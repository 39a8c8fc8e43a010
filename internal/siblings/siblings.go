// Package siblings reads, within fixed bounds, the other files of the
// directory an analyzed file is in. Some formats spread one unit over a
// directory — a Terraform module over its .tf files, a Kubernetes
// application over deployment.yaml, service.yaml and ingress.yaml — and an
// analyzer that reports per file still needs its neighbours for context.
//
// Siblings are context only: analyzers must never report a finding located
// in a sibling (it is reported when that file is analyzed itself), and
// nothing read here is cached across files.
package siblings

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
)

// Bounds on what one analyzed file may read of its directory.
const (
	MaxFiles = 64       // sibling files read
	MaxSize  = 4 << 20  // bytes, per file
	MaxTotal = 16 << 20 // bytes, all siblings together
)

// File is one sibling: its OS path, its base name and its content.
type File struct {
	Path string // path to open, as in source.Entry.OS
	Name string // base name, for messages
	Src  []byte
}

// Read returns the other files of the analyzed file's directory whose
// extension is one of exts (case-insensitive, with the dot: ".tf"), in name
// order. The analyzed file itself must have one of exts too, and be a
// regular file of its own (a member found inside an archive has no
// directory and gets no siblings).
//
// Files that are not regular (symbolic links included: they may point out of
// the scan root), larger than MaxSize, or past the MaxFiles and MaxTotal
// bounds are left out; an unreadable directory just means no siblings.
// keep, when not nil, filters by content after the read; a file it rejects
// still counts against the bounds, which limit the work done, not the
// result.
func Read(pass *analysis.Pass, exts []string, keep func(src []byte) bool) []File {
	osPath := pass.File.OS
	if osPath == "" || !hasExt(osPath, exts) || filepath.Base(osPath) != path.Base(pass.File.Path) {
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
	var out []File
	total, read := 0, 0
	for _, e := range entries {
		if read >= MaxFiles || pass.Canceled() {
			break
		}
		name := e.Name()
		if !e.Type().IsRegular() || !hasExt(name, exts) {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() > MaxSize || total+int(info.Size()) > MaxTotal || os.SameFile(info, self) {
			continue
		}
		p := filepath.Join(dir, name)
		src, ok := readBounded(p, min(MaxSize, MaxTotal-total))
		if !ok {
			continue
		}
		read++
		total += len(src)
		if keep == nil || keep(src) {
			out = append(out, File{Path: p, Name: name, Src: src})
		}
	}
	return out
}

// readBounded reads a regular file of at most limit bytes. The checks are
// made again on the open file, so a file swapped for a symbolic link, a
// FIFO or a larger file after the directory was listed is not read whole.
func readBounded(p string, limit int) ([]byte, bool) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, false
	}
	defer fh.Close()
	if info, err := fh.Stat(); err != nil || !info.Mode().IsRegular() || info.Size() > int64(limit) {
		return nil, false
	}
	if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() {
		return nil, false
	}
	src, err := io.ReadAll(io.LimitReader(fh, int64(limit)+1))
	if err != nil || len(src) > limit {
		return nil, false
	}
	return src, true
}

func hasExt(name string, exts []string) bool {
	ext := filepath.Ext(name)
	for _, e := range exts {
		if strings.EqualFold(ext, e) {
			return true
		}
	}
	return false
}
