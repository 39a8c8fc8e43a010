package secretscan

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkTree measures the detector alone over a tree given by
// MLSEC_SECRETS_TREE (bench/secrets.sh writes one); it skips without it.
func BenchmarkTree(b *testing.B) {
	root := os.Getenv("MLSEC_SECRETS_TREE")
	if root == "" {
		b.Skip("MLSEC_SECRETS_TREE not set")
	}
	type file struct {
		path string
		text []byte
	}
	var files []file
	var total int64
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t, _ := os.ReadFile(p)
			files = append(files, file{p, t})
			total += int64(len(t))
		}
		return nil
	})
	d, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		for _, f := range files {
			d.Scan(f.text, f.path)
		}
	}
}
