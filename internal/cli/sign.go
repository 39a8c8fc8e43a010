package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/signing"
)

// signFlags are what sign and verify share.
type signFlags struct {
	signature  string
	ignore     []string
	keepGit    bool
	jobs       int
	noProgress bool
}

func (f *signFlags) add(cmd *cobra.Command, sigHelp string) {
	cmd.Flags().StringVarP(&f.signature, "signature", "s", "", sigHelp)
	cmd.Flags().StringSliceVar(&f.ignore, "ignore", nil, "paths, relative to the model directory, left out of the signature (repeatable)")
	cmd.Flags().BoolVar(&f.keepGit, "keep-git-paths", false, "sign .git, .gitattributes, .github and .gitignore too (left out by default, as the reference tool does)")
	cmd.Flags().IntVarP(&f.jobs, "jobs", "j", 0, "files hashed in parallel (0: one per CPU)")
	cmd.Flags().BoolVar(&f.noProgress, "no-progress", false, "do not show progress on standard error")
}

func (f *signFlags) options(g *globals) (signing.Options, func()) {
	opt := signing.Options{Signature: f.signature, Ignore: f.ignore, KeepGitPaths: f.keepGit, Jobs: f.jobs}
	stop := func() {}
	if !f.noProgress && isTerminal(g.stderr) {
		opt.Progress, stop = hashProgress(g.stderr)
	}
	return opt, stop
}

// hashProgress shows "hashing: X/Y MiB (P%)" on a terminal, at most ten
// times a second.
func hashProgress(w io.Writer) (func(done, total int64), func()) {
	var mu sync.Mutex
	last := time.Now().Add(300 * time.Millisecond)
	shown := false
	update := func(done, total int64) {
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); now.Sub(last) >= 100*time.Millisecond {
			last = now
			shown = true
			fmt.Fprintf(w, "\r\x1b[Khashing: %d/%d MiB (%d%%)", done>>20, total>>20, done*100/max(total, 1))
		}
	}
	stop := func() {
		mu.Lock()
		defer mu.Unlock()
		if shown {
			fmt.Fprint(w, "\r\x1b[K")
		}
	}
	return update, stop
}

func rate(n int64, d time.Duration) string {
	return fmt.Sprintf("%s in %.2fs (%.0f MB/s)", humanBytes(n), d.Seconds(), float64(n)/1e6/max(d.Seconds(), 1e-9))
}

func newSign(g *globals) *cobra.Command {
	var key, cert string
	var chain []string
	f := &signFlags{}
	cmd := &cobra.Command{
		Use:   "sign MODEL --key KEY.pem [--cert CERT.pem [--chain CHAIN.pem]]",
		Short: "Sign a model directory in the OpenSSF model signing format (v1.0)",
		Long: `Sign hashes every file of MODEL (a directory, or one file) with SHA-256, in
parallel, and writes MODEL/model.sig: a Sigstore bundle (v0.3) whose DSSE
envelope signs an in-toto statement listing each file and its digest (the
model signing v1.0 predicate, "files" serialization), as the reference
model_signing tool writes it; model_signing verify reads it.

KEY.pem is an ECDSA private key (P-256, P-384 or P-521; PEM, unencrypted).
With --cert, the bundle carries the certificate (and --chain's intermediates)
instead of the public key. Symbolic links are never followed: a model holding
one is not signed. .git, .gitattributes, .github and .gitignore are left out.

Exit codes: 0 signed; 2 bad input (no key, a link in the model, unreadable file).`,
		Example: `  mlsec sign models/scorer --key release-key.pem
  mlsec sign models/scorer --key release-key.pem --cert release.crt --chain intermediate.crt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if key == "" {
				return usageErr("--key is required: the ECDSA private key to sign with")
			}
			if len(chain) > 0 && cert == "" {
				return usageErr("--chain needs --cert")
			}
			k, err := signing.LoadPrivateKey(key)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			s := signing.Signer{Key: k}
			if cert != "" {
				certs, err := signing.LoadCertificates(append([]string{cert}, chain...)...)
				if err != nil {
					return &exitError{code: ExitError, err: err}
				}
				s.Chain = certs
			}
			ctx, cancel := interruptible()
			defer cancel()
			opt, stop := f.options(g)
			start := time.Now()
			b, st, err := signing.Sign(ctx, args[0], s, opt)
			stop()
			if ctx.Err() != nil {
				return &exitError{code: ExitInterrupted, err: errors.New("interrupted; no signature written")}
			}
			if err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("%s: %w; no signature written", args[0], err)}
			}
			d := time.Since(start)
			out, _ := signing.SignaturePath(args[0], opt)
			if err := b.Write(out); err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("cannot write the signature: %w", err)}
			}
			var total int64
			for _, r := range st.Predicate.Resources {
				if fi, err := os.Lstat(joinRes(args[0], r.Name)); err == nil {
					total += fi.Size()
				}
			}
			method := "key " + signing.Fingerprint(&k.PublicKey)
			if len(s.Chain) > 0 {
				method = "certificate " + s.Chain[0].Subject.String()
			}
			fmt.Fprintf(g.stdout, "mlsec: signed %d files of %s, %s, with %s; wrote %s\n",
				len(st.Predicate.Resources), report.Escape(args[0]), rate(total, d), report.Escape(method), report.Escape(out))
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "ECDSA private key (PEM)")
	cmd.Flags().StringVar(&cert, "cert", "", "the signing key's certificate (PEM): certificate method")
	cmd.Flags().StringSliceVar(&chain, "chain", nil, "intermediate certificates to include after --cert (PEM, repeatable)")
	f.add(cmd, "where to write the signature (default MODEL/model.sig)")
	return cmd
}

// joinRes is a resource's path on disk: "." is the model file itself.
func joinRes(model, name string) string {
	if name == "." {
		return model
	}
	return model + string(os.PathSeparator) + name
}

func newVerify(g *globals) *cobra.Command {
	var key string
	var chain []string
	f := &signFlags{}
	cmd := &cobra.Command{
		Use:   "verify MODEL (--key PUB.pem | --cert-chain CA.pem…)",
		Short: "Verify a model's OpenSSF model signature offline; say which file changed",
		Long: `Verify checks MODEL/model.sig, a model signature in the OpenSSF model signing
format (v1.0, as model_signing or mlsec sign write it): the DSSE signature
against the public key (--key) or, for a certificate signature, the signing
certificate's chain up to a self-signed root among --cert-chain's
certificates (others there serve as intermediates); then every file against
its signed SHA-256. Each file modified, removed, or present but not signed,
and each symbolic link (never followed), is listed.

Keyless (Fulcio/Rekor) signatures need a transparency log and are rejected
offline.

Exit codes: 0 verified; 1 the signature does not verify or the files differ;
2 bad input (no signature, unreadable key).`,
		Example: `  mlsec verify models/scorer --key release-key.pub
  mlsec verify models/scorer --cert-chain root-ca.pem --cert-chain intermediate.pem`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (key == "") == (len(chain) == 0) {
				return usageErr("give either --key or --cert-chain")
			}
			var trust signing.Trust
			if key != "" {
				pk, err := signing.LoadPublicKey(key)
				if err != nil {
					return &exitError{code: ExitError, err: err}
				}
				trust.PublicKey = pk
			} else {
				certs, err := signing.LoadCertificates(chain...)
				if err != nil {
					return &exitError{code: ExitError, err: err}
				}
				trust.Certificates = certs
			}
			return runVerify(g, args[0], trust, f)
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "the signer's public key (PEM): key method")
	cmd.Flags().StringSliceVar(&chain, "cert-chain", nil, "trusted CA certificates (PEM, repeatable): certificate method")
	f.add(cmd, "the signature file (default MODEL/model.sig)")
	return cmd
}

func runVerify(g *globals, model string, trust signing.Trust, f *signFlags) error {
	ctx, cancel := interruptible()
	defer cancel()
	opt, stop := f.options(g)
	start := time.Now()
	res, err := signing.Verify(ctx, model, trust, opt)
	stop()
	if ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
	}
	var se *signing.SignatureError
	switch {
	case errors.As(err, &se):
		return &exitError{code: ExitFindings, err: fmt.Errorf("%s: %v", report.Escape(model), report.Escape(err.Error()))}
	case err != nil:
		return &exitError{code: ExitError, err: fmt.Errorf("%s: %v", report.Escape(model), report.Escape(err.Error()))}
	}
	if len(res.Changes) > 0 {
		for _, c := range res.Changes {
			fmt.Fprintf(g.stdout, "%s\n", report.Escape(c.String()))
		}
		return &exitError{code: ExitFindings, err: fmt.Errorf("%s does not match its signature: %d difference(s); the signature by %s is valid",
			report.Escape(model), len(res.Changes), report.Escape(res.Signer))}
	}
	fmt.Fprintf(g.stdout, "mlsec: verified %s: %d file(s), %s; signed by %s %s\n",
		report.Escape(model), res.Files, rate(res.Bytes, time.Since(start)), res.Method, report.Escape(res.Signer))
	return nil
}
