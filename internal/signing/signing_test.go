package signing

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// corpusRoot is the third-party evaluation corpus: MLSEC_CORPUS, else the
// corpus folder kept beside the repository by the project's developers.
func corpusRoot() string {
	if d := os.Getenv("MLSEC_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "corpus")
}

// copyDir copies a vector into a writable temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
	return dst
}

func changes(r *Result) []string {
	var s []string
	for _, c := range r.Changes {
		s = append(s, string(c.Kind)+" "+c.Path)
	}
	return s
}

// TestReferenceVectors verifies every model signed by the reference
// model_signing tool, then rejects each after a signed byte changes, a
// signed file is removed and an uncovered file is added.
func TestReferenceVectors(t *testing.T) {
	dir := filepath.Join(corpusRoot(), "model-signing")
	if _, err := os.Stat(filepath.Join(dir, "keys")); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	pub, err := LoadPublicKey(filepath.Join(dir, "keys", "signing-key-pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cas, err := LoadCertificates(filepath.Join(dir, "keys", "ca-cert.pem"), filepath.Join(dir, "keys", "int-ca-cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	vectors, _ := filepath.Glob(filepath.Join(dir, "v*"))
	if len(vectors) < 4 {
		t.Fatalf("found %d vectors, want at least 4", len(vectors))
	}
	ctx := context.Background()
	for _, v := range vectors {
		t.Run(filepath.Base(v), func(t *testing.T) {
			trust := Trust{PublicKey: pub}
			method := "key"
			if strings.HasSuffix(v, "-certificate") {
				trust = Trust{Certificates: cas}
				method = "certificate"
			}
			var opt Options
			if _, err := os.Stat(filepath.Join(v, "ignore-me")); err == nil {
				opt.Ignore = []string{"ignore-me"}
			}
			b, err := ReadBundle(filepath.Join(v, DefaultName))
			if err != nil {
				t.Fatal(err)
			}
			st, err := b.Statement()
			if err != nil {
				t.Fatal(err)
			}
			var signed []string
			for _, r := range st.Predicate.Resources {
				signed = append(signed, r.Name)
			}
			files := signed
			if slices.Equal(signed, []string{"."}) {
				files = []string{st.Subject[0].Name} // a single-file model
			}

			res, err := Verify(ctx, v, trust, opt)
			if err != nil {
				t.Fatalf("reference signature rejected: %v", err)
			}
			if len(res.Changes) != 0 || res.Method != method || res.Files != len(files) {
				t.Fatalf("got method %s, %d files, changes %v; want %s, %d files, none", res.Method, res.Files, changes(res), method, len(files))
			}
			if opt.Ignore != nil {
				// The reference verifier needs --ignore-paths too: without
				// it, ignore-me is a file the signature does not cover.
				res, err := Verify(ctx, v, trust, Options{})
				if err != nil || !slices.Equal(changes(res), []string{"added ignore-me"}) {
					t.Errorf("without ignore: %v, %v; want added ignore-me", err, res)
				}
			}
			for _, f := range files {
				m := copyDir(t, v)
				p := filepath.Join(m, f)
				content, _ := os.ReadFile(p)
				content[len(content)/2] ^= 0x01
				os.WriteFile(p, content, 0o644)
				res, err := Verify(ctx, m, trust, opt)
				if err != nil || !slices.Equal(changes(res), []string{"modified " + f}) {
					t.Errorf("byte of %s changed: %v, %v; want modified %s", f, err, res, f)
				}

				m = copyDir(t, v)
				os.Remove(filepath.Join(m, f))
				res, err = Verify(ctx, m, trust, opt)
				if err != nil || !slices.Equal(changes(res), []string{"removed " + f}) {
					t.Errorf("%s removed: %v, %v; want removed %s", f, err, res, f)
				}
			}
			m := copyDir(t, v)
			os.WriteFile(filepath.Join(m, "zz-extra.bin"), []byte("not signed"), 0o644)
			res, err = Verify(ctx, m, trust, opt)
			if err != nil || !slices.Equal(changes(res), []string{"added zz-extra.bin"}) {
				t.Errorf("file added: %v, %v; want added zz-extra.bin", err, res)
			}

			// The envelope itself: a signed payload altered is a bad signature.
			m = copyDir(t, v)
			b.DSSEEnvelope.Payload = []byte(strings.Replace(string(b.DSSEEnvelope.Payload), st.Predicate.Resources[0].Digest,
				strings.Repeat("0", 64), 1))
			if err := b.Write(filepath.Join(m, DefaultName)); err != nil {
				t.Fatal(err)
			}
			var se *SignatureError
			if _, err := Verify(ctx, m, trust, opt); !errors.As(err, &se) {
				t.Errorf("payload altered: got %v, want a SignatureError", err)
			}
		})
	}

	// The wrong trust: another key, or intermediates without the root.
	other, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	var se *SignatureError
	if _, err := Verify(ctx, filepath.Join(dir, "v1.0.1-elliptic-key"), Trust{PublicKey: &other.PublicKey}, Options{Ignore: []string{"ignore-me"}}); !errors.As(err, &se) ||
		!strings.Contains(err.Error(), "not the given key") {
		t.Errorf("other key: %v", err)
	}
	if _, err := Verify(ctx, filepath.Join(dir, "v1.0.1-certificate"), Trust{Certificates: cas[1:]}, Options{Ignore: []string{"ignore-me"}}); !errors.As(err, &se) {
		t.Errorf("no root: %v", err)
	}
	if _, err := Verify(ctx, filepath.Join(dir, "v1.0.1-certificate"), Trust{PublicKey: pub}, Options{Ignore: []string{"ignore-me"}}); !errors.As(err, &se) {
		t.Errorf("key for a certificate signature: %v", err)
	}
	// Offline, after the certificates expired (2035), the chain fails.
	if _, err := Verify(ctx, filepath.Join(dir, "v1.0.0-certificate"), Trust{Certificates: cas, Now: time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)}, Options{}); !errors.As(err, &se) ||
		!strings.Contains(err.Error(), "expired") {
		t.Errorf("expired: %v", err)
	}
}

func writeModel(t *testing.T) string {
	t.Helper()
	m := filepath.Join(t.TempDir(), "credit-model")
	for name, content := range map[string]string{
		"config.json":                      `{"architectures": ["BertModel"]}`,
		"model-00001-of-00002.safetensors": strings.Repeat("a", 3<<20),
		"model-00002-of-00002.safetensors": strings.Repeat("b", 1<<20+7),
		"tokenizer/vocab.txt":              "[PAD]\n[UNK]\n",
		"a-b":                              "sorts before a/ in byte order of the full path",
		".gitattributes":                   "*.safetensors filter=lfs\n",
		"empty":                            "",
	} {
		p := filepath.Join(m, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestRoundTrip signs with a key, checks the bundle has every field the
// format requires, and verifies it.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	m := writeModel(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b, _, err := Sign(ctx, m, Signer{Key: key}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(filepath.Join(m, DefaultName)); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(m, DefaultName))
	var doc struct {
		MediaType            string `json:"mediaType"`
		VerificationMaterial struct {
			PublicKey struct {
				RawBytes   string `json:"rawBytes"`
				KeyDetails string `json:"keyDetails"`
			} `json:"publicKey"`
		} `json:"verificationMaterial"`
		DSSEEnvelope struct {
			Payload     string `json:"payload"`
			PayloadType string `json:"payloadType"`
			Signatures  []map[string]any
		} `json:"dsseEnvelope"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	pemKey, _ := base64.StdEncoding.DecodeString(doc.VerificationMaterial.PublicKey.RawBytes)
	if doc.MediaType != "application/vnd.dev.sigstore.bundle.v0.3+json" || !strings.HasPrefix(string(pemKey), "-----BEGIN PUBLIC KEY-----") ||
		doc.VerificationMaterial.PublicKey.KeyDetails != "PKIX_ECDSA_P256_SHA_256" || doc.DSSEEnvelope.PayloadType != "application/vnd.in-toto+json" ||
		len(doc.DSSEEnvelope.Signatures) != 1 {
		t.Fatalf("bundle fields: %s", raw)
	}
	if _, ok := doc.DSSEEnvelope.Signatures[0]["sig"].(string); !ok {
		t.Errorf("no sig: %v", doc.DSSEEnvelope.Signatures)
	}
	if v, ok := doc.DSSEEnvelope.Signatures[0]["keyid"]; !ok || v != nil {
		t.Errorf("keyid should be present and null, as the reference writes it: %v", doc.DSSEEnvelope.Signatures)
	}
	payload, _ := base64.StdEncoding.DecodeString(doc.DSSEEnvelope.Payload)
	var st map[string]any
	if err := json.Unmarshal(payload, &st); err != nil {
		t.Fatal(err)
	}
	if st["_type"] != "https://in-toto.io/Statement/v1" || st["predicateType"] != "https://model_signing/signature/v1.0" {
		t.Errorf("statement: %s", payload)
	}
	subj := st["subject"].([]any)[0].(map[string]any)
	if subj["name"] != "credit-model" || len(subj["digest"].(map[string]any)["sha256"].(string)) != 64 {
		t.Errorf("subject: %v", subj)
	}
	pred := st["predicate"].(map[string]any)
	ser := pred["serialization"].(map[string]any)
	if ser["method"] != "files" || ser["hash_type"] != "sha256" || ser["allow_symlinks"] != false || len(ser) != 3 {
		t.Errorf("serialization: %v", ser)
	}
	var names []string
	for _, r := range pred["resources"].([]any) {
		rm := r.(map[string]any)
		if rm["algorithm"] != "sha256" || len(rm["digest"].(string)) != 64 || len(rm) != 3 {
			t.Errorf("resource: %v", rm)
		}
		names = append(names, rm["name"].(string))
	}
	// Sorted by full slash path; .gitattributes and the signature left out.
	want := []string{"a-b", "config.json", "empty", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "tokenizer/vocab.txt"}
	if !slices.Equal(names, want) {
		t.Errorf("resources %v, want %v", names, want)
	}
	res, err := Verify(ctx, m, Trust{PublicKey: &key.PublicKey}, Options{})
	if err != nil || len(res.Changes) != 0 || res.Files != 6 {
		t.Fatalf("verify: %v %+v", err, res)
	}
	// Nested file changed, shard removed, file appeared, all reported at once.
	os.WriteFile(filepath.Join(m, "tokenizer", "vocab.txt"), []byte("[PAD]\n[UNK]\n[EVIL]\n"), 0o644)
	os.Remove(filepath.Join(m, "model-00002-of-00002.safetensors"))
	os.WriteFile(filepath.Join(m, "tokenizer", "loader.py"), []byte("import os\n"), 0o644)
	res, err = Verify(ctx, m, Trust{Embedded: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := changes(res); !slices.Equal(got, []string{"removed model-00002-of-00002.safetensors", "added tokenizer/loader.py", "modified tokenizer/vocab.txt"}) {
		t.Errorf("changes %v", got)
	}
}

// TestCertificateRoundTrip signs with a certificate chain made here and
// verifies against its root.
func TestCertificateRoundTrip(t *testing.T) {
	ctx := context.Background()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ml-root"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "model-release"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	leafDER, _ := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	leaf, _ := x509.ParseCertificate(leafDER)

	m := writeModel(t)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, _, err := Sign(ctx, m, Signer{Key: other, Chain: []*x509.Certificate{leaf}}, Options{}); err == nil {
		t.Error("signed with a key that is not the certificate's")
	}
	b, _, err := Sign(ctx, m, Signer{Key: key, Chain: []*x509.Certificate{leaf}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.VerificationMaterial.PublicKey != nil || len(b.VerificationMaterial.X509CertificateChain.Certificates) != 1 {
		t.Fatalf("material: %+v", b.VerificationMaterial)
	}
	b.Write(filepath.Join(m, DefaultName))
	res, err := Verify(ctx, m, Trust{Certificates: []*x509.Certificate{ca}}, Options{})
	if err != nil || len(res.Changes) != 0 || res.Signer != "CN=model-release" {
		t.Fatalf("verify: %v %+v", err, res)
	}
}

// TestLinksNeverFollowed: a link in a model is refused at signing and
// reported at verification, and its target is never read.
func TestLinksNeverFollowed(t *testing.T) {
	ctx := context.Background()
	m := writeModel(t)
	secret := filepath.Join(t.TempDir(), "id_rsa")
	os.WriteFile(secret, []byte("outside the model"), 0o600)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	link := filepath.Join(m, "tokenizer", "merges.txt")
	if err := os.Symlink(secret, link); err != nil {
		t.Skip(err)
	}
	var le *LinkError
	if _, _, err := Sign(ctx, m, Signer{Key: key}, Options{}); !errors.As(err, &le) || le.Others[0].Rel != "tokenizer/merges.txt" {
		t.Fatalf("sign with a link: %v", err)
	}
	os.Remove(link)
	b, _, err := Sign(ctx, m, Signer{Key: key}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b.Write(filepath.Join(m, DefaultName))
	// An attacker swaps a signed file for a link to a file with the same bytes.
	cfg := filepath.Join(m, "config.json")
	same := filepath.Join(t.TempDir(), "config.json")
	content, _ := os.ReadFile(cfg)
	os.WriteFile(same, content, 0o644)
	os.Remove(cfg)
	os.Symlink(same, cfg)
	res, err := Verify(ctx, m, Trust{PublicKey: &key.PublicKey}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := changes(res); !slices.Equal(got, []string{"not-a-file config.json", "removed config.json"}) {
		t.Errorf("changes %v", got)
	}
}

// TestSingleFile signs one file and verifies it given the file or its directory.
func TestSingleFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := filepath.Join(dir, "scorer.onnx")
	os.WriteFile(f, []byte("ONNX weights"), 0o644)
	key, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	b, st, err := Sign(ctx, f, Signer{Key: key}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Predicate.Resources[0].Name != "." || st.Subject[0].Name != "scorer.onnx" {
		t.Fatalf("statement %+v", st)
	}
	b.Write(filepath.Join(dir, DefaultName))
	for _, target := range []string{f, dir} {
		res, err := Verify(ctx, target, Trust{PublicKey: &key.PublicKey}, Options{})
		if err != nil || len(res.Changes) != 0 {
			t.Errorf("%s: %v %+v", target, err, res)
		}
	}
	os.WriteFile(filepath.Join(dir, "extra.py"), []byte("x"), 0o644)
	res, err := Verify(ctx, dir, Trust{PublicKey: &key.PublicKey}, Options{})
	if err != nil || !slices.Equal(changes(res), []string{"added extra.py"}) {
		t.Errorf("dir with extra file: %v %+v", err, res)
	}
}

// TestHostileBundle: malformed bundles are errors, not panics.
func TestHostileBundle(t *testing.T) {
	for name, in := range map[string]string{
		"not json":      "{",
		"no media type": `{"dsseEnvelope":{}}`,
		"no envelope":   `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`,
		"two sigs":      `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":{"payloadType":"application/vnd.in-toto+json","signatures":[{},{}]}}`,
		"bad type":      `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":{"payloadType":"text/plain","signatures":[{}]}}`,
	} {
		if _, err := ParseBundle([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A resource escaping the model directory is refused before any path is joined.
	res := &Result{Statement: &Statement{Subject: []Subject{{Name: "m"}}, Predicate: Predicate{Resources: []Resource{{Name: "../../etc/passwd", Digest: strings.Repeat("0", 64)}}}}}
	var se *SignatureError
	if err := CheckFiles(context.Background(), t.TempDir(), "model.sig", res, Options{}); !errors.As(err, &se) {
		t.Errorf("escaping resource: %v", err)
	}
}
