package code

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysistest"
)

// TestHostileInputs scans generated files that are too big to keep in
// testdata: a notebook whose outputs hold megabytes of base64, deep and
// unbalanced brackets, an enormous single line and unterminated strings.
// Each must be analyzed, with the expected findings, in bounded time.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 12 MB")
	}
	dir := t.TempDir()
	write := func(name, content, want string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if want != "" {
			if err := os.WriteFile(filepath.Join(dir, name+".want"), []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	png := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x89PNG\r\n\x1a\n", 600_000)))
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{},
		"cells": []any{
			map[string]any{"cell_type": "code", "source": "import torch\nsd = torch.load('m.pt')\n", "metadata": map[string]any{},
				"outputs": []any{map[string]any{"output_type": "display_data", "data": map[string]any{"image/png": png}}}},
			map[string]any{"cell_type": "raw", "source": []string{"torch.load(p)\n"}},
			map[string]any{"cell_type": "code", "source": []string{"%%bash\n", "python -c 'import torch; torch.load(\"x\")'\n"}},
			map[string]any{"cell_type": "code", "source": []string{"print(f\"{torch.load('n.pt')!r}\")"}},
		},
	}
	b, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	write("plots.ipynb", string(b), "code/torch-load-unsafe line=1\ncode/torch-load-unsafe line=1\n")
	write("deep.py", "import torch\nx = "+strings.Repeat("(", 100_000)+"torch.load(p)"+strings.Repeat(")", 100_000)+"  # want: code/torch-load-unsafe\n", "")
	write("unbalanced.py", "import torch\nx = "+strings.Repeat("([{", 50_000)+"\n", "")
	write("longline.py", "import pickle\nx = ["+strings.Repeat("pickle.dumps(b), ", 200_000)+"]\n", "")
	write("unterminated.py", "import torch\ns = '''never closed\n"+strings.Repeat("torch.load(p)\n", 1000), "")
	write("fstring_bomb.py", "import torch\nx = f\""+strings.Repeat("{a:", 100_000)+"\"\ny = torch.load(p)  # want: code/torch-load-unsafe\n", "")
	var uris strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&uris, "\"s3://bucket-%d/part.parquet\", ", i)
	}
	write("manyuris.py", "import pandas as pd\ndf = pd.read_parquet("+uris.String()+")\n", "")
	start := time.Now()
	res := analysistest.Run(t, dir, Analyzer)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("hostile inputs took %v", d)
	}
	// One call naming 20,000 buckets records a bounded number of them.
	n := 0
	for _, a := range res.Assets {
		if strings.HasPrefix(a.ID, "data-store:s3://bucket-") {
			n++
		}
	}
	if n == 0 || n > maxCallAssets {
		t.Errorf("manyuris.py: %d data stores recorded, want 1 to %d", n, maxCallAssets)
	}
}
