package signing

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlsec/mlsec/internal/digest"
)

// Options configure Sign and Verify.
type Options struct {
	// Signature is the signature file; DefaultName in the model directory
	// (beside the model, for a single-file model) when empty. It is never
	// part of what is signed.
	Signature string
	// Ignore lists more paths, relative to the model directory, left out
	// of the signature (and of verification); a directory ignores all it
	// holds.
	Ignore []string
	// KeepGitPaths signs .git, .gitattributes, .github and .gitignore at
	// the top of the model, which the reference tool leaves out by default.
	KeepGitPaths bool
	Jobs         int
	Progress     func(done, total int64)
}

// gitPaths are left out by default, as the reference tool does: a model
// cloned from a hub has them and they say nothing about the weights.
var gitPaths = []string{".git", ".gitattributes", ".github", ".gitignore"}

// SignaturePath is where the signature of model lives by default.
func SignaturePath(model string, opt Options) (string, error) {
	if opt.Signature != "" {
		return opt.Signature, nil
	}
	fi, err := os.Lstat(model)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		return filepath.Join(model, DefaultName), nil
	}
	return filepath.Join(filepath.Dir(model), DefaultName), nil
}

// ignorer builds the set of ignored relative paths for a model directory.
func ignorer(model, sig string, opt Options, extra []string) (func(string, bool) bool, error) {
	var ign []string
	for _, p := range append(append([]string{}, opt.Ignore...), extra...) {
		p = filepath.ToSlash(filepath.Clean(p))
		if filepath.IsAbs(p) {
			r, err := filepath.Rel(model, p)
			if err != nil {
				return nil, err
			}
			p = filepath.ToSlash(r)
		}
		ign = append(ign, strings.TrimPrefix(p, "./"))
	}
	if !opt.KeepGitPaths {
		ign = append(ign, gitPaths...)
	}
	// The signature file itself, wherever it is: inside the model it is
	// left out; outside, the relative path starts with ".." and matches
	// nothing.
	if am, err := filepath.Abs(model); err == nil {
		if as, err := filepath.Abs(sig); err == nil {
			if r, err := filepath.Rel(am, as); err == nil {
				ign = append(ign, filepath.ToSlash(r))
			}
		}
	}
	return func(rel string, _ bool) bool {
		for _, p := range ign {
			if rel == p || strings.HasPrefix(rel, p+"/") {
				return true
			}
		}
		return false
	}, nil
}

// Signer holds the signing key and, for the certificate method, its
// certificate chain, leaf first.
type Signer struct {
	Key   *ecdsa.PrivateKey
	Chain []*x509.Certificate
}

// LinkError lists the symbolic links and special files found in a model:
// the format signs with allow_symlinks false, so a model with links cannot
// be signed faithfully, and is not signed at all.
type LinkError struct{ Others []digest.Other }

func (e *LinkError) Error() string {
	var b strings.Builder
	b.WriteString("the model holds entries that are not regular files (links are never followed; remove them or --ignore them):")
	for _, o := range e.Others {
		fmt.Fprintf(&b, "\n  %s: %s", o.Rel, o.Type)
		if o.Target != "" {
			fmt.Fprintf(&b, " to %s", o.Target)
		}
	}
	return b.String()
}

// Sign hashes every file of model (a directory or one file) and returns
// the signature bundle and its statement.
func Sign(ctx context.Context, model string, s Signer, opt Options) (*Bundle, *Statement, error) {
	if s.Key == nil {
		return nil, nil, errors.New("no signing key")
	}
	_, _, details, err := hashFor(s.Key.Curve)
	if err != nil {
		return nil, nil, err
	}
	if len(s.Chain) > 0 {
		leaf, ok := s.Chain[0].PublicKey.(*ecdsa.PublicKey)
		if !ok || !leaf.Equal(&s.Key.PublicKey) {
			return nil, nil, errors.New("the certificate is not the signing key's: its public key differs")
		}
	}
	sig, err := SignaturePath(model, opt)
	if err != nil {
		return nil, nil, err
	}
	ign, err := ignorer(model, sig, opt, nil)
	if err != nil {
		return nil, nil, err
	}
	tree, err := digest.List(model, ign)
	if err != nil {
		return nil, nil, err
	}
	if len(tree.Others) > 0 {
		return nil, nil, &LinkError{Others: tree.Others}
	}
	if len(tree.Files) == 0 {
		return nil, nil, fmt.Errorf("%s: no file to sign", model)
	}
	if err := digest.Hash(ctx, tree.Files, digest.Options{Jobs: opt.Jobs, Progress: opt.Progress}); err != nil {
		return nil, nil, err
	}
	st := &Statement{
		Type:          StatementType,
		PredicateType: PredicateType,
		Predicate: Predicate{
			Serialization: Serialization{Method: MethodFiles, HashType: AlgSHA256, AllowSymlinks: false},
			Resources:     make([]Resource, 0, len(tree.Files)),
		},
	}
	for _, f := range tree.Files {
		st.Predicate.Resources = append(st.Predicate.Resources, Resource{Algorithm: AlgSHA256, Digest: f.Hex(), Name: f.Rel})
	}
	root, err := RootDigest(st.Predicate.Resources)
	if err != nil {
		return nil, nil, err
	}
	abs, err := filepath.Abs(model)
	if err != nil {
		return nil, nil, err
	}
	st.Subject = []Subject{{Name: filepath.Base(abs), Digest: map[string]string{AlgSHA256: root}}}
	payload, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	newHash, _, _, _ := hashFor(s.Key.Curve)
	h := newHash()
	h.Write(PAE(PayloadType, payload))
	der, err := ecdsa.SignASN1(rand.Reader, s.Key, h.Sum(nil))
	if err != nil {
		return nil, nil, err
	}
	b := &Bundle{
		MediaType:    BundleMediaType,
		DSSEEnvelope: &Envelope{Payload: payload, PayloadType: PayloadType, Signatures: []Signature{{Sig: der}}},
	}
	if len(s.Chain) > 0 {
		cc := &CertChain{}
		for _, c := range s.Chain {
			cc.Certificates = append(cc.Certificates, RawBytes{RawBytes: c.Raw})
		}
		b.VerificationMaterial.X509CertificateChain = cc
	} else {
		p, err := publicPEM(&s.Key.PublicKey)
		if err != nil {
			return nil, nil, err
		}
		b.VerificationMaterial.PublicKey = &PublicKey{RawBytes: p, KeyDetails: details}
	}
	return b, st, nil
}
