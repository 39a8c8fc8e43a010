package siblings

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/source"
)

func pass(osPath, path string) *analysis.Pass {
	return analysis.NewPass(context.Background(), &analysis.Analyzer{Name: "t"}, source.Entry{Path: path, OS: osPath}, source.Terraform, nil, nil, analysis.Sinks{})
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	for i := range MaxFiles + 6 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.tf", i)), []byte("# x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	self := filepath.Join(dir, "f000.tf")
	got := Read(pass(self, "mod/f000.tf"), []string{".TF"}, nil)
	if len(got) != MaxFiles || got[0].Name != "f001.tf" {
		t.Fatalf("got %d siblings starting %q, want %d starting f001.tf", len(got), got[0].Name, MaxFiles)
	}
	if n := len(Read(pass(self, "bundle.zip!f000.tf"), []string{".tf"}, nil)); n != 0 {
		t.Errorf("archive member got %d siblings", n)
	}
	if n := len(Read(pass(self, "mod/f000.tf"), []string{".yaml"}, nil)); n != 0 {
		t.Errorf("analyzed file of another extension got %d siblings", n)
	}
	kept := Read(pass(self, "mod/f000.tf"), []string{".tf"}, func(src []byte) bool { return false })
	if len(kept) != 0 {
		t.Errorf("keep rejected everything, got %d", len(kept))
	}
}
