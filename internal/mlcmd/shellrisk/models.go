package shellrisk

import (
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// weightExts are file extensions of model weights and serialized models.
var weightExts = []string{".pt", ".pth", ".bin", ".ckpt", ".safetensors", ".onnx", ".gguf", ".pkl", ".joblib", ".h5", ".keras", ".pb", ".tflite", ".mar"}

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ModelDownloads finds model weights fetched without an integrity check:
// curl or wget of a weights URL, `huggingface-cli download` / `hf download`
// without a full commit revision, and `python -c` snippets calling
// from_pretrained, snapshot_download or hf_hub_download. It returns nothing
// when the script verifies a checksum (sha256sum -c, shasum -c, --checksum).
func ModelDownloads(f *syntax.File) []Hit { return ModelDownloadsWith(f, nil) }

// Lookup returns the value a variable has where the script runs (a
// Dockerfile ARG or ENV default), and whether it is known.
type Lookup func(name string) (string, bool)

// ModelDownloadsWith is ModelDownloads with variables resolved by lookup,
// so that `--revision $MODEL_REVISION` counts as pinned when the variable's
// known value is a full commit SHA. lookup may be nil.
func ModelDownloadsWith(f *syntax.File, lookup Lookup) []Hit {
	calls := Calls(f)
	for _, c := range calls {
		if verifies(c) {
			return nil
		}
	}
	var out []Hit
	for _, c := range calls {
		prog, args := c.Prog(), c.Args()
		switch {
		case isFetcher(prog):
			for _, a := range args {
				if isURL(a) && isWeights(a) {
					h := Hit{Pos: c.Expr.Pos(), Evidence: prog + " " + a, What: "model weights " + path.Base(stripQuery(a)) + " are downloaded without a checksum"}
					if m := MovingReference(a); m != "" {
						h.What += " from a URL that follows " + m + ": what it serves changes without any change here"
					}
					if PickleFormat(a) {
						h.Raise = "the weights are in a pickle-based format, so loading a replaced file runs its code"
					}
					out = append(out, h)
					break
				}
			}
		case prog == "huggingface-cli" && len(args) > 0 && args[0] == "download",
			prog == "hf" && len(args) > 0 && args[0] == "download":
			if !pinnedRevision(args, lookup) {
				repo := ""
				if len(args) > 1 {
					repo = args[1]
				}
				out = append(out, Hit{Pos: c.Expr.Pos(), Evidence: strings.Join(c.Argv, " "), What: "Hugging Face repo " + repo + " is downloaded without --revision pinned to a commit"})
			}
		case strings.HasPrefix(prog, "python"):
			for i, a := range args {
				if a == "-c" && i+1 < len(args) && pythonFetchesModel(args[i+1]) {
					out = append(out, Hit{Pos: c.Expr.Pos(), Evidence: strings.Join(c.Argv, " "), What: "a model is fetched from a hub at build time without a pinned revision"})
					break
				}
			}
		}
	}
	return out
}

func isWeights(u string) bool {
	p := strings.ToLower(stripQuery(u))
	for _, e := range weightExts {
		if strings.HasSuffix(p, e) {
			return true
		}
	}
	return false
}

func pinnedRevision(args []string, lookup Lookup) bool {
	for i, a := range args {
		if a == "--revision" && i+1 < len(args) && fullSHA.MatchString(resolve(args[i+1], lookup)) {
			return true
		}
		if v, ok := strings.CutPrefix(a, "--revision="); ok && fullSHA.MatchString(resolve(v, lookup)) {
			return true
		}
	}
	return false
}

// resolve replaces a word that is exactly one variable ($NAME or ${NAME})
// with its known value; any other word is returned as it is.
func resolve(w string, lookup Lookup) string {
	if lookup == nil || !strings.HasPrefix(w, "$") {
		return w
	}
	name := strings.TrimPrefix(w, "$")
	if strings.HasPrefix(name, "{") && strings.HasSuffix(name, "}") {
		name = name[1 : len(name)-1]
	}
	if name == "" || strings.ContainsAny(name, "${}:-") {
		return w
	}
	if v, ok := lookup(name); ok {
		return v
	}
	return w
}

var revisionArg = regexp.MustCompile(`revision\s*=\s*["'][0-9a-f]{40}["']`)

func pythonFetchesModel(code string) bool {
	if !strings.Contains(code, "from_pretrained") && !strings.Contains(code, "snapshot_download") && !strings.Contains(code, "hf_hub_download") {
		return false
	}
	return !revisionArg.MatchString(code)
}

// verifies reports whether a command checks a digest.
func verifies(c Call) bool {
	prog, args := c.Prog(), c.Args()
	switch prog {
	case "sha256sum", "sha512sum", "sha384sum", "shasum", "b2sum":
		for _, a := range args {
			if a == "-c" || a == "--check" || strings.HasPrefix(a, "--check=") {
				return true
			}
		}
	}
	for _, a := range args {
		if a == "--checksum" || strings.HasPrefix(a, "--checksum=") {
			return true
		}
	}
	return false
}
