package signing

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseBundle feeds hostile signature files to the parser and the
// envelope check: errors, never panics.
func FuzzParseBundle(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "analyzers", "provenance", "testdata", "*", DefaultName))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"x509CertificateChain":{"certificates":[{"rawBytes":"AAAA"}]}},"dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AAAA","keyid":null}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		bu, err := ParseBundle(b)
		if err != nil {
			return
		}
		_, _ = bu.Statement()
		_, _ = VerifyEnvelope(bu, Trust{Embedded: true})
	})
}
