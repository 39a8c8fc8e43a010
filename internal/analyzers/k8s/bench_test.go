package k8s

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/source"
)

// BenchmarkAnalyzer measures the per-manifest cost over the err and ok
// fixtures (a realistic mix of core workloads and ML resources), reported
// as ns/op per file.
func BenchmarkAnalyzer(b *testing.B) {
	type in struct {
		content string
		kind    source.Kind
	}
	var files []in
	for _, dir := range []string{"testdata/err", "testdata/ok"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			name := e.Name()
			if strings.HasSuffix(name, ".want") || strings.HasPrefix(name, "malformed") {
				continue
			}
			c, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				b.Fatal(err)
			}
			k, _ := source.ClassifyName(name)
			files = append(files, in{string(c), source.Refine(k, c)})
		}
	}
	if len(files) == 0 {
		b.Fatal("no fixtures")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := files[i%len(files)]
		if _, _, _, err := runOn(b, f.content, f.kind); err != nil {
			b.Fatal(fmt.Errorf("%v", err))
		}
	}
}
