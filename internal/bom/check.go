package bom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/digest"
)

// IsBOMName says a file name is one CycloneDX tools use for a JSON BOM.
func IsBOMName(name string) bool {
	return name == "bom.json" || strings.HasSuffix(name, ".cdx.json")
}

// Mismatch is one disagreement between a BOM and the files beside it.
type Mismatch struct {
	Path   string // relative to the BOM's directory, slash-separated
	Kind   string // "changed", "missing", "not-a-file", "unlisted"
	Detail string
	Line   int // of the component in the BOM; 0 for an unlisted file
}

// Check compares the components mlsec wrote in a BOM (those with an
// mlsec:path property and a SHA-256 hash) with the files in dir, the
// BOM's directory, and lists the model files of present (paths relative
// to dir) that the BOM leaves out. ok is false when the document is not a
// CycloneDX BOM with such components: another tool's BOM is not judged.
func Check(ctx context.Context, dir string, content []byte, present []string) (ms []Mismatch, ok bool, err error) {
	var doc struct {
		BOMFormat  string `json:"bomFormat"`
		Components []struct {
			Hashes []struct {
				Alg     string `json:"alg"`
				Content string `json:"content"`
			} `json:"hashes"`
			Properties []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"properties"`
		} `json:"components"`
	}
	if json.Unmarshal(content, &doc) != nil || doc.BOMFormat != "CycloneDX" {
		return nil, false, nil
	}
	listed := map[string]bool{}
	var files []digest.File
	want := map[string]string{}
	lines := map[string]int{}
	for _, c := range doc.Components {
		rel, sum := "", ""
		for _, p := range c.Properties {
			if p.Name == PropPath {
				rel = p.Value
			}
		}
		for _, h := range c.Hashes {
			if h.Alg == "SHA-256" {
				sum = strings.ToLower(h.Content)
			}
		}
		if rel == "" || sum == "" {
			continue
		}
		ok = true
		listed[rel] = true
		line := lineOf(content, rel)
		if !digest.Clean(rel) {
			ms = append(ms, Mismatch{Path: rel, Kind: "not-a-file", Detail: "the path leaves the BOM's directory", Line: line})
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			ms = append(ms, Mismatch{Path: rel, Kind: "missing", Detail: "listed in the BOM, absent", Line: line})
		case err != nil:
			return nil, true, err
		case !fi.Mode().IsRegular():
			ms = append(ms, Mismatch{Path: rel, Kind: "not-a-file", Detail: "not a regular file (links are not followed)", Line: line})
		default:
			files = append(files, digest.File{Rel: rel, OS: p, Size: fi.Size()})
			want[rel] = sum
			lines[rel] = line
		}
	}
	if !ok {
		return nil, false, nil
	}
	if err := digest.Hash(ctx, files, digest.Options{}); err != nil {
		return nil, true, err
	}
	for _, f := range files {
		if f.Hex() != want[f.Rel] {
			ms = append(ms, Mismatch{Path: f.Rel, Kind: "changed", Detail: "sha256 " + f.Hex() + ", the BOM says " + want[f.Rel], Line: lines[f.Rel]})
		}
	}
	for _, p := range present {
		if !listed[p] {
			ms = append(ms, Mismatch{Path: p, Kind: "unlisted", Detail: "a model file the BOM does not list"})
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Path < ms[j].Path })
	return ms, true, nil
}

// lineOf is the line of the first `"value": "rel"` in a BOM, for the
// finding's location.
func lineOf(content []byte, rel string) int {
	q, _ := json.Marshal(rel)
	i := bytes.Index(content, q)
	if i < 0 {
		return 0
	}
	return bytes.Count(content[:i], []byte("\n")) + 1
}

// RelUnder returns p relative to dir when p is inside dir (both slash
// report paths).
func RelUnder(dir, p string) (string, bool) {
	if dir == "." || dir == "" {
		return p, !strings.HasPrefix(p, "../")
	}
	r, ok := strings.CutPrefix(p, dir+"/")
	return path.Clean(r), ok
}
