package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeKeys writes a fresh P-256 key pair as PEM files.
func writeKeys(t *testing.T) (priv, pub string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	priv = filepath.Join(dir, "signing-key.pem")
	os.WriteFile(priv, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	pder, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	pub = filepath.Join(dir, "signing-key.pub")
	os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pder}), 0o644)
	return priv, pub
}

// TestSignVerify: mlsec sign, then mlsec verify, then verify after a change.
func TestSignVerify(t *testing.T) {
	priv, pub := writeKeys(t)
	m := filepath.Join(t.TempDir(), "scorer")
	os.MkdirAll(filepath.Join(m, "onnx"), 0o755)
	os.WriteFile(filepath.Join(m, "onnx", "model.onnx"), []byte(strings.Repeat("w", 5000)), 0o644)
	os.WriteFile(filepath.Join(m, "config.json"), []byte(`{"model_type": "xgboost"}`), 0o644)

	code, out, errs := run(t, "sign", m, "--key", priv)
	if code != 0 || !strings.Contains(out, "signed 2 files of") || !strings.Contains(out, "model.sig") {
		t.Fatalf("sign: %d %q %q", code, out, errs)
	}
	var b map[string]any
	raw, _ := os.ReadFile(filepath.Join(m, "model.sig"))
	if err := json.Unmarshal(raw, &b); err != nil || b["mediaType"] != "application/vnd.dev.sigstore.bundle.v0.3+json" {
		t.Fatalf("model.sig: %v %s", err, raw)
	}
	code, out, errs = run(t, "verify", m, "--key", pub)
	if code != 0 || !strings.Contains(out, "verified") || !strings.Contains(out, "2 file(s)") {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}

	os.WriteFile(filepath.Join(m, "onnx", "model.onnx"), []byte(strings.Repeat("x", 5000)), 0o644)
	os.WriteFile(filepath.Join(m, "onnx", "extra.onnx_data"), []byte("x"), 0o644)
	code, out, errs = run(t, "verify", m, "--key", pub)
	if code != ExitFindings || !strings.Contains(out, "modified: onnx/model.onnx") || !strings.Contains(out, "added: onnx/extra.onnx_data") ||
		!strings.Contains(errs, "does not match its signature: 2 difference(s)") {
		t.Fatalf("verify after change: %d %q %q", code, out, errs)
	}

	// Another key: the signature itself fails (exit 1).
	_, otherPub := writeKeys(t)
	if code, _, errs := run(t, "verify", m, "--key", otherPub); code != ExitFindings || !strings.Contains(errs, "signature does not verify") {
		t.Errorf("other key: %d %q", code, errs)
	}
	// Usage errors: exit 2.
	for _, args := range [][]string{
		{"sign", m},
		{"sign", m, "--key", pub}, // a public key is not a private key
		{"verify", m},
		{"verify", m, "--key", pub, "--cert-chain", pub},
		{"verify", t.TempDir(), "--key", pub}, // no model.sig
	} {
		if code, _, errs := run(t, args...); code != ExitError {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
}

// TestBOMCommand writes the example project's ML-BOM to a file.
func TestBOMCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bom.cdx.json")
	t.Setenv("SOURCE_DATE_EPOCH", "1764460800")
	code, _, errs := run(t, "bom", "../../examples/credit-risk", "-o", out)
	if code != 0 || !strings.Contains(errs, "components") {
		t.Fatalf("bom: %d %q", code, errs)
	}
	var b struct {
		SpecVersion string
		Metadata    struct{ Timestamp string }
		Components  []struct{ Type string }
	}
	raw, _ := os.ReadFile(out)
	if err := json.Unmarshal(raw, &b); err != nil || b.SpecVersion != "1.6" || b.Metadata.Timestamp != "2025-11-30T00:00:00Z" || len(b.Components) < 10 {
		t.Errorf("bom: %v %+v", err, b)
	}
	if code, _, _ := run(t, "bom", filepath.Join(t.TempDir(), "nope")); code != ExitError {
		t.Errorf("missing dir: exit %d", code)
	}
}
