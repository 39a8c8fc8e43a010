package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"os"
)

// maxPEM bounds a key or certificate file read from disk.
const maxPEM = 1 << 20

func readPEMFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxPEM {
		return nil, fmt.Errorf("%s: larger than 1 MiB; not a PEM key or certificate", path)
	}
	return os.ReadFile(path)
}

// LoadPrivateKey reads an ECDSA private key (PEM "EC PRIVATE KEY" or
// unencrypted PKCS #8 "PRIVATE KEY").
func LoadPrivateKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := readPEMFile(path)
	if err != nil {
		return nil, err
	}
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%s: no PEM private key", path)
		}
		switch blk.Type {
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			return k, nil
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			ek, ok := k.(*ecdsa.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("%s: a %T; model signing keys are ECDSA (P-256, P-384 or P-521)", path, k)
			}
			return ek, nil
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("%s: the key is encrypted; decrypt it first (openssl pkcs8 -in KEY -out PLAIN)", path)
		}
	}
}

// LoadPublicKey reads a PEM public key ("PUBLIC KEY") or takes the key of
// the first certificate in the file.
func LoadPublicKey(path string) (*ecdsa.PublicKey, error) {
	b, err := readPEMFile(path)
	if err != nil {
		return nil, err
	}
	k, err := parsePublicPEM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return k, nil
}

func parsePublicPEM(b []byte) (*ecdsa.PublicKey, error) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, errors.New("no PEM public key or certificate")
		}
		var k any
		switch blk.Type {
		case "PUBLIC KEY":
			pk, err := x509.ParsePKIXPublicKey(blk.Bytes)
			if err != nil {
				return nil, err
			}
			k = pk
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, err
			}
			k = c.PublicKey
		default:
			continue
		}
		ek, ok := k.(*ecdsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("a %T; model signing keys are ECDSA", k)
		}
		return ek, nil
	}
}

// LoadCertificates reads every certificate of PEM files, in order.
func LoadCertificates(paths ...string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, p := range paths {
		b, err := readPEMFile(p)
		if err != nil {
			return nil, err
		}
		n := 0
		for {
			var blk *pem.Block
			blk, b = pem.Decode(b)
			if blk == nil {
				break
			}
			if blk.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", p, err)
			}
			out = append(out, c)
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no PEM certificate", p)
		}
	}
	return out, nil
}

// hashFor is the digest ECDSA uses with a curve, as the reference tool
// pairs them: P-256/SHA-256, P-384/SHA-384, P-521/SHA-512.
func hashFor(c elliptic.Curve) (func() hash.Hash, crypto.Hash, string, error) {
	switch c {
	case elliptic.P256():
		return sha256.New, crypto.SHA256, "PKIX_ECDSA_P256_SHA_256", nil
	case elliptic.P384():
		return sha512.New384, crypto.SHA384, "PKIX_ECDSA_P384_SHA_384", nil
	case elliptic.P521():
		return sha512.New, crypto.SHA512, "PKIX_ECDSA_P521_SHA_512", nil
	}
	return nil, 0, "", fmt.Errorf("curve %s is not supported", c.Params().Name)
}

// Fingerprint names a public key: SHA-256 of its DER SubjectPublicKeyInfo.
func Fingerprint(k *ecdsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return "unknown"
	}
	s := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(s[:])
}

func publicPEM(k *ecdsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
