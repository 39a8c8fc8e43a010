package shellrisk

import (
	"testing"

	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/mlcmd"
)

func parse(t *testing.T, script string) *syntax.File {
	t.Helper()
	f, err := mlcmd.Parse(script)
	if err != nil {
		t.Fatalf("parse %q: %v", script, err)
	}
	return f
}

// lines returns the 1-based lines of hits.
func lines(hits []Hit) []uint {
	var out []uint
	for _, h := range hits {
		out = append(out, h.Pos.Line())
	}
	return out
}

func sameLines(got []uint, want []uint) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestRemoteExec(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		want         []uint
	}{
		{"curl pipe sh", "curl -fsSL https://get.example.com/install.sh | sh", []uint{1}},
		{"wget pipe sudo bash", "wget -qO- https://example.com/setup | sudo -E bash -", []uint{1}},
		{"bash -s with script args", "curl -sSfL https://example.com/install.sh | bash -s -- --version 1.2.0", []uint{1}},
		{"bash -s with a positional arg", "curl -sSL https://install.example.com | bash -s stable", []uint{1}},
		{"bash -e still reads stdin", "curl -sSL https://install.example.com | bash -e", []uint{1}},
		{"python dash", "curl -sS https://bootstrap.pypa.io/get-pip.py | python3 -", []uint{1}},
		{"through tee", "curl -sS https://example.com/i.sh | tee /tmp/i.sh | sh", []uint{1}},
		{"process substitution", "bash <(curl -s https://example.com/install.sh)", []uint{1}},
		{"command substitution", `sh -c "$(curl -fsSL https://example.com/install.sh)"`, []uint{1}},
		{"eval", `eval "$(wget -qO- https://example.com/env.sh)"`, []uint{1}},
		{"second line", "set -eu\ncurl -L https://example.com/x.sh | bash", []uint{2}},
		{"python reads a file", "curl -sS https://example.com/data.json | python3 check.py", nil},
		{"python module", "curl -sS https://api.example.com/v1/models | python3 -m json.tool", nil},
		{"python -c code", `curl -s https://api.example.com/x | python3 -c "import json,sys; print(json.load(sys.stdin))"`, nil},
		{"node -e code", `curl -s https://api.example.com/x | node -e "process.stdin.pipe(process.stdout)"`, nil},
		{"sh -c own command", `curl -s https://example.com/list | sh -c 'cat > /tmp/list'`, nil},
		{"pipe into jq", "curl -s https://api.example.com/x | jq .version", nil},
		{"download only", "curl -fsSLo /tmp/install.sh https://example.com/install.sh", nil},
		{"sh without fetch", "cat local.sh | sh", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lines(RemoteExec(parse(t, tc.script))); !sameLines(got, tc.want) {
				t.Errorf("RemoteExec(%q) at lines %v, want %v", tc.script, got, tc.want)
			}
		})
	}
}

func TestDownloadThenRun(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		want         []uint
	}{
		{"wget then bash", "wget https://example.com/install.sh\nbash install.sh", []uint{2}},
		{"curl -o then sh", "curl -fsSL -o /tmp/i.sh https://example.com/i.sh && sh /tmp/i.sh", []uint{1}},
		{"clustered curl -O then ./", "curl -fsSLO https://example.com/setup.sh\nchmod +x setup.sh\n./setup.sh", []uint{3}},
		{"clustered curl -o then sh", "curl -fsSLo /tmp/i.sh https://example.com/i.sh\nsh /tmp/i.sh", []uint{2}},
		{"wget -O attached", "wget -qO/tmp/i.sh https://example.com/i.sh\nbash /tmp/i.sh", []uint{2}},
		{"wget to stdout", "wget -qO- https://example.com/i.sh > /dev/null\nbash i.sh", nil},
		{"curl to stdout", "curl -fsSL https://example.com/i.sh > /tmp/x\nbash i.sh", nil},
		{"curl -O -L then ./", "curl -L -O https://example.com/setup.sh\n./setup.sh", []uint{2}},
		{"verified", "wget https://example.com/install.sh\necho \"abc  install.sh\" | sha256sum -c -\nbash install.sh", nil},
		{"other file run", "wget https://example.com/data.csv\nbash prepare.sh", nil},
		// A wrapper with nothing after it (a notebook's `!env | grep X`).
		{"bare env", "wget https://example.com/i.sh\nenv | grep HF_", nil},
		{"bare sudo", "sudo\nnohup", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lines(DownloadThenRun(parse(t, tc.script))); !sameLines(got, tc.want) {
				t.Errorf("DownloadThenRun(%q) at lines %v, want %v", tc.script, got, tc.want)
			}
		})
	}
}

func TestPipInstallVCS(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		want         []uint
	}{
		{"branch", "pip install git+https://github.com/acme/featurelib.git", []uint{1}},
		{"tag is movable", "pip install git+https://github.com/acme/featurelib.git@v1.2.0", []uint{1}},
		{"commit", "pip install git+https://github.com/acme/featurelib.git@0123456789abcdef0123456789abcdef01234567", nil},
		{"named requirement", "python -m pip install 'featurelib @ git+https://github.com/acme/featurelib.git@main'", []uint{1}},
		{"archive url", "uv pip install https://example.com/featurelib-main.zip", []uint{1}},
		{"archive with hash", "pip install https://example.com/featurelib-1.0.tar.gz#sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", nil},
		{"index package", "pip install --no-cache-dir torch==2.3.0", nil},
		{"pip download is not install", "pip download git+https://github.com/acme/featurelib.git", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lines(PipInstallVCS(parse(t, tc.script))); !sameLines(got, tc.want) {
				t.Errorf("PipInstallVCS(%q) at lines %v, want %v", tc.script, got, tc.want)
			}
		})
	}
}

func TestPipIndexes(t *testing.T) {
	type hit struct {
		line     uint
		insecure bool
	}
	for _, tc := range []struct {
		name, script string
		want         []hit
	}{
		{"extra index", "pip install --extra-index-url https://pypi.internal.example.com/simple acme-features", []hit{{1, false}}},
		{"extra index with =", "pip3 install --extra-index-url=https://pypi.internal.example.com/simple acme-features", []hit{{1, false}}},
		{"plain http index", "pip install -i http://pypi.internal:8080/simple acme-features", []hit{{1, true}}},
		{"trusted host", "python3 -m pip install --trusted-host pypi.internal --index-url https://pypi.internal/simple x", []hit{{1, true}}},
		{"https index replaces PyPI", "pip install --index-url https://pypi.internal.example.com/simple acme-features", nil},
		{"plain install", "pip install -r requirements.txt", nil},
		{"not pip", "echo --extra-index-url https://example.com", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PipIndexes(parse(t, tc.script))
			if len(got) != len(tc.want) {
				t.Fatalf("PipIndexes(%q) = %d hits, want %d: %+v", tc.script, len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				if got[i].Pos.Line() != w.line || got[i].Insecure != w.insecure {
					t.Errorf("hit %d: line %d insecure %v, want line %d insecure %v", i, got[i].Pos.Line(), got[i].Insecure, w.line, w.insecure)
				}
			}
		})
	}
}

func TestModelDownloads(t *testing.T) {
	const sha = "4d33b01d79672f27f001f6abade33f22d993b151"
	lookup := func(name string) (string, bool) {
		switch name {
		case "MODEL_REVISION":
			return sha, true
		case "BRANCH":
			return "main", true
		}
		return "", false
	}
	for _, tc := range []struct {
		name, script string
		lookup       Lookup
		want         []uint
	}{
		{"weights over curl", "curl -L -o model.safetensors https://example.com/models/model.safetensors", nil, []uint{1}},
		{"weights with query", "wget 'https://cdn.example.com/resnet50.pth?download=1'", nil, []uint{1}},
		{"not weights", "curl -LO https://example.com/vocab.txt", nil, nil},
		{"hf no revision", "huggingface-cli download bert-base-uncased --local-dir /m", nil, []uint{1}},
		{"hf branch revision", "hf download bert-base-uncased --revision main", nil, []uint{1}},
		{"hf full sha", "huggingface-cli download bert-base-uncased --revision " + sha, nil, nil},
		{"hf sha with =", "hf download bert-base-uncased --revision=" + sha, nil, nil},
		{"hf variable resolved to sha", "huggingface-cli download bert-base-uncased --revision ${MODEL_REVISION}", lookup, nil},
		{"hf quoted variable resolved", `hf download bert-base-uncased --revision "$MODEL_REVISION"`, lookup, nil},
		{"hf variable resolved to branch", "huggingface-cli download bert-base-uncased --revision $BRANCH", lookup, []uint{1}},
		{"hf variable unknown", "huggingface-cli download bert-base-uncased --revision $OTHER", lookup, []uint{1}},
		{"hf variable without lookup", "huggingface-cli download bert-base-uncased --revision $MODEL_REVISION", nil, []uint{1}},
		{"python from_pretrained", `python -c "from transformers import AutoModel; AutoModel.from_pretrained('bert-base-uncased')"`, nil, []uint{1}},
		{"python pinned", `python3 -c "from huggingface_hub import snapshot_download; snapshot_download('bert-base-uncased', revision='` + sha + `')"`, nil, nil},
		{"checksum verified", "curl -LO https://example.com/model.onnx\nsha256sum -c model.onnx.sha256", nil, nil},
		{"ADD-style checksum flag", "fetch --checksum=sha256:abc https://example.com/model.onnx\ncurl -LO https://example.com/model.onnx", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lines(ModelDownloadsWith(parse(t, tc.script), tc.lookup)); !sameLines(got, tc.want) {
				t.Errorf("ModelDownloadsWith(%q) at lines %v, want %v", tc.script, got, tc.want)
			}
		})
	}
}

func TestCallsSkipsLaunchers(t *testing.T) {
	calls := Calls(parse(t, "sudo -u ray env PATH=/opt/bin nohup /usr/bin/python3 train.py"))
	if len(calls) != 1 || calls[0].Prog() != "python3" || len(calls[0].Args()) != 1 || calls[0].Args()[0] != "train.py" {
		t.Fatalf("Calls: %+v", calls)
	}
}

func TestMovingReference(t *testing.T) {
	sha := "0123456789abcdef0123456789abcdef01234567"
	for u, want := range map[string]string{
		"https://github.com/acme/models/blob/main/ranker.pt":                       "the branch or tag main, not a commit",
		"https://github.com/acme/models/raw/v1.2/ranker.pt":                        "the branch or tag v1.2, not a commit",
		"https://github.com/acme/models/raw/" + sha + "/ranker.pt":                 "",
		"https://raw.githubusercontent.com/acme/models/master/ranker.pkl":          "the branch or tag master, not a commit",
		"https://raw.githubusercontent.com/acme/models/refs/heads/dev/ranker.pkl":  "the branch or tag dev, not a commit",
		"https://raw.githubusercontent.com/acme/models/" + sha + "/ranker.pkl":     "",
		"https://huggingface.co/acme/ranker/resolve/main/pytorch_model.bin":        "the branch or tag main, not a commit",
		"https://huggingface.co/acme/ranker/resolve/" + sha + "/pytorch_model.bin": "",
		"https://huggingface.co/datasets/acme/churn/resolve/main/train.parquet":    "the branch or tag main, not a commit",
		"s3://ml-models/credit/latest/model.joblib":                                "the key latest, which each new upload replaces",
		"gs://ml-models/credit/model-latest.pt":                                    "the key model-latest.pt, which each new upload replaces",
		"s3://ml-models/credit/v12/model.joblib":                                   "",
		"https://models.example.com/ranker/3.1.0/ranker.onnx":                      "",
		"not a url": "",
	} {
		if got := MovingReference(u); got != want {
			t.Errorf("MovingReference(%q) = %q, want %q", u, got, want)
		}
	}
}
