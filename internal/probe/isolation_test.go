package probe

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyProbeUsesTheNetwork: mlsec's network code lives in this package
// and in internal/objstore, which reads the buckets a user names for a
// scan. No other package of the module (tests aside) imports an HTTP or
// RPC client or dials; package net for address parsing is fine.
func TestOnlyProbeUsesTheNetwork(t *testing.T) {
	forbidden := []string{"net/http", "net/rpc", "net/smtp", "golang.org/x/net/http2", "google.golang.org/grpc"}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || n == "node_modules" || strings.HasPrefix(n, ".") && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if r := filepath.ToSlash(rel); strings.HasPrefix(r, "internal/probe/") || strings.HasPrefix(r, "internal/objstore/") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad+"/") {
					t.Errorf("%s imports %s: network code belongs in internal/probe or internal/objstore", rel, path)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
