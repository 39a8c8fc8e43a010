package provenance

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/signing"
)

// TestFixtures runs the analyzer on testdata: each finding is declared by
// a want comment or a NAME.want sidecar.
func TestFixtures(t *testing.T) {
	res := analysistest.Run(t, "testdata", Analyzer)
	attrs := map[string]map[string]string{}
	for _, a := range res.Assets {
		attrs[a.ID] = a.Attrs
	}
	if a := attrs["model:testdata/signed-ok"]; a["signature"] != "verified" || !strings.HasPrefix(a["signer"], "sha256:") ||
		a["signature-file"] != "testdata/signed-ok/model.sig" {
		t.Errorf("signed-ok asset: %v", a)
	}
	if a := attrs["model:testdata/tampered"]; a["signature"] != "files differ (4)" {
		t.Errorf("tampered asset: %v", a)
	}
	if a := attrs["model:testdata/forged-manifest"]; a["signature"] != "invalid" {
		t.Errorf("forged asset: %v", a)
	}
}

// TestRegenerateFixtures writes the signed fixtures again when
// MLSEC_REGEN_FIXTURES=1; the private key exists only while it runs.
func TestRegenerateFixtures(t *testing.T) {
	if os.Getenv("MLSEC_REGEN_FIXTURES") != "1" {
		t.Skip("set MLSEC_REGEN_FIXTURES=1 to regenerate the signed fixtures")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	weights := make([]byte, 64<<10)
	for i := range weights {
		weights[i] = byte(rng.Uint32())
	}
	files := map[string][]byte{
		"config.json":       []byte(`{"architectures": ["BertForSequenceClassification"], "model_type": "bert"}` + "\n"),
		"model.safetensors": weights,
		"tokenizer.json":    []byte(`{"version": "1.0", "model": {"type": "WordPiece"}}` + "\n"),
	}
	for _, name := range []string{"signed-ok", "tampered", "forged-manifest"} {
		dir := filepath.Join("testdata", name)
		os.RemoveAll(dir)
		for f, b := range files {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, st, err := signing.Sign(context.Background(), dir, signing.Signer{Key: key}, signing.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if name == "forged-manifest" {
			// The attacker swaps the weights and edits the manifest to match.
			evil := append([]byte{}, weights...)
			evil[100] ^= 0xff
			os.WriteFile(filepath.Join(dir, "model.safetensors"), evil, 0o644)
			b.DSSEEnvelope.Payload = []byte(strings.Replace(string(b.DSSEEnvelope.Payload), st.Predicate.Resources[1].Digest,
				sha256hex(evil), 1))
		}
		if err := b.Write(filepath.Join(dir, signing.DefaultName)); err != nil {
			t.Fatal(err)
		}
		if name == "forged-manifest" {
			os.WriteFile(filepath.Join(dir, "model.sig.want"), []byte("provenance/signature-invalid severity=critical message=\"DSSE signature is not\"\n"), 0o644)
		}
		if name == "tampered" {
			evil := append([]byte{}, weights...)
			evil[len(evil)/2] ^= 0x01
			os.WriteFile(filepath.Join(dir, "model.safetensors"), evil, 0o644)
			os.Remove(filepath.Join(dir, "tokenizer.json"))
			os.WriteFile(filepath.Join(dir, "modeling_bert.py"), []byte("# Custom code trust_remote_code would import; not signed.\nimport os\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "model.sig.want"), []byte(
				"provenance/signed-files-changed severity=critical message=\"^model.safetensors was modified after testdata/tampered was signed by sha256:\"\n"+
					"provenance/signed-files-changed severity=critical message=\"^tokenizer.json was signed as part of testdata/tampered and is gone\"\n"+
					"provenance/signed-files-changed severity=high message=\"^modeling_bert.py is in the signed model testdata/tampered but not covered\"\n"+
					"provenance/signed-files-changed severity=high message=\"^model.sig.want is in the signed model\"\n"), 0o644)
		}
	}
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
