// Package signing signs and verifies model directories in the OpenSSF
// model signing format v1.0, as the reference model_signing tool (v1.0.x)
// writes it: a Sigstore bundle v0.3 (JSON) holding a DSSE envelope whose
// payload is an in-toto v1 statement. The statement's predicate
// (https://model_signing/signature/v1.0) lists every file of the model
// with its SHA-256 ("files" serialization), sorted by slash path; the
// statement's one subject is the model, named by its directory, with the
// SHA-256 of the concatenated file digests.
//
// Signing uses an ECDSA private key, with or without a certificate chain;
// verification is offline, against a public key or a set of trusted CA
// certificates, and says which file changed, appeared or disappeared.
// Keyless (Fulcio/Rekor) bundles are recognised but need a trusted root and
// transparency log that an offline tool does not have; they are rejected
// with that reason.
//
// The structures are written here directly (crypto/ecdsa, crypto/x509 and
// encoding/json) rather than with sigstore-go: the format is five small
// JSON objects and one pre-authentication encoding, and sigstore-go would
// bring TUF, protobuf and transparency-log clients that an offline
// verifier never calls.
package signing

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Identifiers of the format, as the reference tool writes them.
const (
	BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"
	PayloadType     = "application/vnd.in-toto+json"
	StatementType   = "https://in-toto.io/Statement/v1"
	PredicateType   = "https://model_signing/signature/v1.0"
	// DefaultName is the signature file's name inside the model directory.
	DefaultName = "model.sig"
	// MethodFiles is the serialization the reference tool uses by default:
	// one resource per file.
	MethodFiles = "files"
	// AlgSHA256 names SHA-256 in serialization.hash_type and in resources.
	AlgSHA256 = "sha256"
)

// MaxBundleSize bounds the signature file that is read: a real one is a
// few KiB plus 100 bytes per model file; 64 MiB covers 500,000 files and
// keeps a hostile multi-gigabyte "model.sig" from being loaded.
const MaxBundleSize = 64 << 20

// Bundle is a Sigstore bundle v0.3 in its JSON form.
type Bundle struct {
	MediaType            string    `json:"mediaType"`
	VerificationMaterial Material  `json:"verificationMaterial"`
	DSSEEnvelope         *Envelope `json:"dsseEnvelope,omitempty"`
	// MessageSignature is the other content a bundle may carry; a model
	// signature never uses it, so its presence is an error.
	MessageSignature json.RawMessage `json:"messageSignature,omitempty"`
}

// Material is how the verifier finds the key: a public key (key method),
// an X.509 chain, leaf first (certificate method), or one certificate
// (keyless, with transparency log entries).
type Material struct {
	PublicKey            *PublicKey        `json:"publicKey,omitempty"`
	X509CertificateChain *CertChain        `json:"x509CertificateChain,omitempty"`
	Certificate          *RawBytes         `json:"certificate,omitempty"`
	TlogEntries          []json.RawMessage `json:"tlogEntries,omitempty"`
}

// PublicKey is the key method's material. The reference tool stores the
// PEM text of the key in RawBytes, and the algorithm in KeyDetails.
type PublicKey struct {
	RawBytes   []byte `json:"rawBytes,omitempty"`
	KeyDetails string `json:"keyDetails,omitempty"`
	Hint       string `json:"hint,omitempty"`
}

// CertChain is the certificate method's material: DER certificates, leaf
// first.
type CertChain struct {
	Certificates []RawBytes `json:"certificates"`
}

// RawBytes is one DER certificate.
type RawBytes struct {
	RawBytes []byte `json:"rawBytes"`
}

// Envelope is a DSSE envelope.
type Envelope struct {
	Payload     []byte      `json:"payload"`
	PayloadType string      `json:"payloadType"`
	Signatures  []Signature `json:"signatures"`
}

// Signature is one DSSE signature: ASN.1 DER ECDSA over PAE(type, payload).
type Signature struct {
	Sig   []byte  `json:"sig"`
	KeyID *string `json:"keyid"`
}

// Statement is an in-toto v1 statement with the model signing predicate.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// Subject is the model as a whole.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Predicate is the model signing v1.0 predicate.
type Predicate struct {
	Serialization Serialization `json:"serialization"`
	Resources     []Resource    `json:"resources"`
}

// Serialization says how the model was cut into resources. IgnorePaths is
// written by newer signers (v1.1); v1.0.x writes none, and mlsec writes
// none so that a v1.0 verifier reads its signatures.
type Serialization struct {
	Method        string   `json:"method"`
	HashType      string   `json:"hash_type"`
	AllowSymlinks bool     `json:"allow_symlinks"`
	IgnorePaths   []string `json:"ignore_paths,omitempty"`
}

// Resource is one file: its slash path relative to the model directory
// ("." when the model is a single file) and its digest.
type Resource struct {
	Algorithm string `json:"algorithm"`
	Digest    string `json:"digest"`
	Name      string `json:"name"`
}

// PAE is DSSE's pre-authentication encoding, the bytes that are signed.
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

// RootDigest is the subject digest: SHA-256 over the resources' raw
// digests in order.
func RootDigest(rs []Resource) (string, error) {
	h := sha256.New()
	for _, r := range rs {
		d, err := hex.DecodeString(r.Digest)
		if err != nil || len(d) != sha256.Size {
			return "", fmt.Errorf("resource %q: digest %q is not a SHA-256 in hex", r.Name, r.Digest)
		}
		h.Write(d)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadBundle reads and parses a signature file, at most MaxBundleSize bytes.
func ReadBundle(path string) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxBundleSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBundleSize {
		return nil, fmt.Errorf("%s: larger than %d MiB; not a model signature", path, MaxBundleSize>>20)
	}
	return ParseBundle(b)
}

// ParseBundle parses a bundle and checks the fields the format requires.
func ParseBundle(b []byte) (*Bundle, error) {
	var bu Bundle
	if err := json.Unmarshal(b, &bu); err != nil {
		return nil, fmt.Errorf("not a Sigstore bundle: %v", err)
	}
	switch bu.MediaType {
	case BundleMediaType, "application/vnd.dev.sigstore.bundle+json;version=0.3":
	case "":
		return nil, errors.New("not a Sigstore bundle: no mediaType")
	default:
		return nil, fmt.Errorf("bundle media type %q is not supported (want %s)", bu.MediaType, BundleMediaType)
	}
	if bu.DSSEEnvelope == nil {
		return nil, errors.New("the bundle has no dsseEnvelope: not a model signature")
	}
	e := bu.DSSEEnvelope
	if e.PayloadType != PayloadType {
		return nil, fmt.Errorf("DSSE payload type %q is not %s", e.PayloadType, PayloadType)
	}
	if len(e.Signatures) != 1 {
		return nil, fmt.Errorf("the DSSE envelope has %d signatures; the format has exactly one", len(e.Signatures))
	}
	return &bu, nil
}

// Statement parses the envelope's payload and checks it is a model
// signing v1.0 statement. It does not check the signature: call it only
// on a verified bundle, or to show what an unverified one claims.
func (b *Bundle) Statement() (*Statement, error) {
	var s Statement
	dec := json.NewDecoder(bytes.NewReader(b.DSSEEnvelope.Payload))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("the payload is not an in-toto statement: %v", err)
	}
	if s.Type != StatementType {
		return nil, fmt.Errorf("statement type %q is not %s", s.Type, StatementType)
	}
	if s.PredicateType != PredicateType {
		return nil, fmt.Errorf("predicate type %q is not %s (only model signing v1.0 is supported)", s.PredicateType, PredicateType)
	}
	ser := s.Predicate.Serialization
	if ser.Method != MethodFiles {
		return nil, fmt.Errorf("serialization method %q is not supported (only %q)", ser.Method, MethodFiles)
	}
	if ser.HashType != AlgSHA256 {
		return nil, fmt.Errorf("serialization hash %q is not supported (only %q)", ser.HashType, AlgSHA256)
	}
	if len(s.Subject) != 1 {
		return nil, fmt.Errorf("the statement has %d subjects; the format has one", len(s.Subject))
	}
	root, err := RootDigest(s.Predicate.Resources)
	if err != nil {
		return nil, err
	}
	if got := s.Subject[0].Digest[AlgSHA256]; got != root {
		return nil, fmt.Errorf("the subject digest %q is not the digest of the resources (%s)", got, root)
	}
	seen := map[string]bool{}
	for _, r := range s.Predicate.Resources {
		if r.Algorithm != AlgSHA256 {
			return nil, fmt.Errorf("resource %q: algorithm %q is not supported", r.Name, r.Algorithm)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("resource %q is listed twice", r.Name)
		}
		seen[r.Name] = true
	}
	return &s, nil
}

// Write writes the bundle as the reference tool does (JSON, one line).
func (b *Bundle) Write(path string) error {
	out, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}
