package jinjascan

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzScan: any template, however broken, is scanned without panic.
//
//	go test -run '^$' -fuzz FuzzScan -fuzztime 30s ./internal/jinjascan
func FuzzScan(f *testing.F) {
	files, _ := filepath.Glob("testdata/benign/*.jinja")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`{{ ''|attr('\x5f\x5fclass\x5f\x5f') }}{% raw %}`)
	f.Add(`{{ '\u00`)
	f.Fuzz(func(t *testing.T, s string) { _ = Scan(s) })
}
