package signing

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/mlsec/mlsec/internal/digest"
)

// Trust says whose signatures are accepted.
type Trust struct {
	// PublicKey accepts signatures of this key (key method).
	PublicKey *ecdsa.PublicKey
	// Certificates are the trusted CA certificates (certificate method):
	// the self-signed ones are roots, the others intermediates. The
	// bundle's own chain supplies intermediates too, never roots.
	Certificates []*x509.Certificate
	// Embedded accepts the key or leaf certificate the bundle carries,
	// without checking whom it belongs to: it proves the files are those
	// the holder of that key signed, and is what a scan, which has no
	// trusted key, can check. Signer then names the key.
	Embedded bool
	// Now is the time certificates are checked at; the current time when zero.
	Now time.Time
}

// ChangeKind says how a file differs from the signature.
type ChangeKind string

// Changes a verification reports.
const (
	Modified ChangeKind = "modified" // signed, present, different bytes
	Removed  ChangeKind = "removed"  // signed, absent
	Added    ChangeKind = "added"    // present, not signed
	NotFile  ChangeKind = "not-a-file"
)

// Change is one difference between the model and its signature.
type Change struct {
	Kind   ChangeKind
	Path   string // slash-separated, relative to the model directory
	Detail string
}

func (c Change) String() string {
	s := string(c.Kind) + ": " + c.Path
	if c.Detail != "" {
		s += " (" + c.Detail + ")"
	}
	return s
}

// Result is a verification's outcome. The signature is valid and the
// model intact when Changes is empty.
type Result struct {
	Method    string // "key" or "certificate"
	Signer    string // the key's fingerprint, or the leaf certificate's subject
	Statement *Statement
	Files     int   // files checked
	Bytes     int64 // bytes hashed
	Changes   []Change
}

// SignatureError is a signature that does not verify: wrong key, broken
// envelope, untrusted certificate. Its files were not checked.
type SignatureError struct{ Reason string }

func (e *SignatureError) Error() string { return "signature does not verify: " + e.Reason }

func sigErr(format string, a ...any) error {
	return &SignatureError{Reason: fmt.Sprintf(format, a...)}
}

// VerifyEnvelope checks the bundle's signature against trust and returns
// the statement it signs.
func VerifyEnvelope(b *Bundle, trust Trust) (*Result, error) {
	vm := b.VerificationMaterial
	var key *ecdsa.PublicKey
	res := &Result{}
	switch {
	case vm.Certificate != nil || len(vm.TlogEntries) > 0:
		return nil, sigErr("a keyless (Fulcio/Rekor) signature needs a transparency log and trusted root, which offline verification does not have")
	case vm.X509CertificateChain != nil:
		res.Method = "certificate"
		var chain []*x509.Certificate
		for i, c := range vm.X509CertificateChain.Certificates {
			cert, err := x509.ParseCertificate(c.RawBytes)
			if err != nil {
				return nil, sigErr("certificate %d of the bundle: %v", i, err)
			}
			chain = append(chain, cert)
		}
		if len(chain) == 0 {
			return nil, sigErr("the bundle's certificate chain is empty")
		}
		leaf := chain[0]
		k, ok := leaf.PublicKey.(*ecdsa.PublicKey)
		if !ok {
			return nil, sigErr("the signing certificate's key is a %T; only ECDSA is supported", leaf.PublicKey)
		}
		key = k
		res.Signer = leaf.Subject.String()
		switch {
		case len(trust.Certificates) > 0:
			roots, inter := x509.NewCertPool(), x509.NewCertPool()
			for _, c := range chain[1:] {
				inter.AddCert(c)
			}
			nroots := 0
			for _, c := range trust.Certificates {
				if c.CheckSignatureFrom(c) == nil {
					roots.AddCert(c)
					nroots++
				} else {
					inter.AddCert(c)
				}
			}
			if nroots == 0 {
				return nil, sigErr("none of the trusted certificates is a self-signed root")
			}
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: trust.Now,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}); err != nil {
				return nil, sigErr("the signing certificate %q is not trusted: %v", res.Signer, err)
			}
		case trust.Embedded:
			res.Signer += " (chain not checked)"
		default:
			return nil, sigErr("the model is signed with a certificate; give the trusted CA certificates (--cert-chain)")
		}
	case vm.PublicKey != nil:
		res.Method = "key"
		switch {
		case trust.PublicKey != nil:
			key = trust.PublicKey
			if len(vm.PublicKey.RawBytes) > 0 {
				if emb, err := embeddedKey(vm.PublicKey.RawBytes); err == nil && !emb.Equal(key) {
					return nil, sigErr("signed with key %s, not the given key %s", Fingerprint(emb), Fingerprint(key))
				}
			}
		case trust.Embedded:
			k, err := embeddedKey(vm.PublicKey.RawBytes)
			if err != nil {
				return nil, sigErr("the bundle's public key: %v", err)
			}
			key = k
		default:
			return nil, sigErr("the model is signed with a key; give its public key (--key)")
		}
		res.Signer = Fingerprint(key)
	default:
		if trust.PublicKey == nil {
			return nil, sigErr("the bundle names no key or certificate")
		}
		res.Method, key, res.Signer = "key", trust.PublicKey, Fingerprint(trust.PublicKey)
	}
	if trust.PublicKey != nil && res.Method == "certificate" {
		return nil, sigErr("the model is signed with a certificate, not a bare key; give the CA certificates (--cert-chain)")
	}
	newHash, _, _, err := hashFor(key.Curve)
	if err != nil {
		return nil, sigErr("%v", err)
	}
	e := b.DSSEEnvelope
	h := newHash()
	h.Write(PAE(e.PayloadType, e.Payload))
	if !ecdsa.VerifyASN1(key, h.Sum(nil), e.Signatures[0].Sig) {
		return nil, sigErr("the DSSE signature is not %s's signature of this payload", res.Signer)
	}
	st, err := b.Statement()
	if err != nil {
		return nil, sigErr("%v", err)
	}
	res.Statement = st
	return res, nil
}

// embeddedKey reads the bundle's public key: PEM text as the reference
// tool writes it, or DER.
func embeddedKey(raw []byte) (*ecdsa.PublicKey, error) {
	if blk, _ := pem.Decode(raw); blk != nil {
		return parsePublicPEM(raw)
	}
	k, err := x509.ParsePKIXPublicKey(raw)
	if err != nil {
		return nil, err
	}
	ek, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T; only ECDSA is supported", k)
	}
	return ek, nil
}

// Verify checks model (a directory or one file) against its signature:
// the envelope against trust, then every file against the statement.
// A SignatureError means the signature itself failed; otherwise the
// Result lists each file that changed, appeared or disappeared.
func Verify(ctx context.Context, model string, trust Trust, opt Options) (*Result, error) {
	sig, err := SignaturePath(model, opt)
	if err != nil {
		return nil, err
	}
	b, err := ReadBundle(sig)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no signature: %s does not exist", sig)
		}
		return nil, &SignatureError{Reason: fmt.Sprintf("%s: %v", sig, err)}
	}
	res, err := VerifyEnvelope(b, trust)
	if err != nil {
		return nil, err
	}
	if err := CheckFiles(ctx, model, sig, res, opt); err != nil {
		return nil, err
	}
	return res, nil
}

// CheckFiles hashes model's files and compares them with the verified
// statement in res, filling res.Changes, Files and Bytes.
func CheckFiles(ctx context.Context, model, sig string, res *Result, opt Options) error {
	st := res.Statement
	want := map[string]string{}
	for _, r := range st.Predicate.Resources {
		if r.Name != "." && !digest.Clean(r.Name) {
			return sigErr("resource name %q is not a clean relative path", r.Name)
		}
		want[r.Name] = r.Digest
	}
	root := model
	// A single-file model is signed as one resource named ".": the file
	// is the subject. Given the directory that holds it, check that file
	// and report every other file of the directory as not covered.
	single := len(want) == 1 && want["."] != ""
	fi, err := os.Lstat(model)
	if err != nil {
		return err
	}
	if single && fi.IsDir() {
		name := st.Subject[0].Name
		if !digest.Clean(name) || strings.Contains(name, "/") {
			return sigErr("subject name %q is not a file name", name)
		}
		want = map[string]string{name: want["."]}
	}
	if !single && !fi.IsDir() {
		return fmt.Errorf("%s: the signature is of a directory of %d files, not of one file", model, len(want))
	}
	ign, err := ignorer(root, sig, opt, st.Predicate.Serialization.IgnorePaths)
	if err != nil {
		return err
	}
	tree, err := digest.List(root, ign)
	if err != nil {
		return err
	}
	for _, o := range tree.Others {
		d := o.Type
		if o.Target != "" {
			d += " to " + o.Target + ", not followed"
		}
		res.Changes = append(res.Changes, Change{Kind: NotFile, Path: o.Rel, Detail: d})
	}
	var hash []digest.File
	present := map[string]bool{}
	for _, f := range tree.Files {
		present[f.Rel] = true
		if _, ok := want[f.Rel]; ok {
			hash = append(hash, f)
		} else {
			res.Changes = append(res.Changes, Change{Kind: Added, Path: f.Rel, Detail: "not covered by the signature"})
		}
	}
	if err := digest.Hash(ctx, hash, digest.Options{Jobs: opt.Jobs, Progress: opt.Progress}); err != nil {
		return err
	}
	for _, f := range hash {
		res.Files++
		res.Bytes += f.Size
		if w := want[f.Rel]; w != f.Hex() {
			res.Changes = append(res.Changes, Change{Kind: Modified, Path: f.Rel, Detail: "sha256 " + f.Hex() + ", signed " + w})
		}
	}
	for name := range want {
		if !present[name] {
			res.Changes = append(res.Changes, Change{Kind: Removed, Path: name, Detail: "signed but absent"})
		}
	}
	sort.Slice(res.Changes, func(i, j int) bool {
		if res.Changes[i].Path != res.Changes[j].Path {
			return res.Changes[i].Path < res.Changes[j].Path
		}
		return res.Changes[i].Kind < res.Changes[j].Kind
	})
	return nil
}
