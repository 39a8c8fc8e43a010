package shellrisk

import (
	"net/url"
	"path"
	"strings"
)

// MovingReference says how a model location follows a reference that can
// move, so the bytes behind it change without any change to the file that
// names it, or returns "": a GitHub blob/raw URL of a branch or tag rather
// than a commit, a Hugging Face resolve URL of a branch, an object key
// or path segment named "latest". A full 40-hex commit is fixed.
func MovingReference(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	ref := ""
	switch {
	case host == "github.com" && len(seg) >= 5 && (seg[2] == "blob" || seg[2] == "raw"):
		ref = seg[3] // github.com/org/repo/blob/REF/path
	case host == "raw.githubusercontent.com" && len(seg) >= 4:
		ref = seg[2] // raw.githubusercontent.com/org/repo/REF/path
		if ref == "refs" && len(seg) >= 6 {
			ref = seg[4] // …/refs/heads/BRANCH/path
		}
	case (host == "huggingface.co" || host == "hf.co") && len(seg) >= 5 && seg[2] == "resolve":
		ref = seg[3] // huggingface.co/org/repo/resolve/REF/file
	case (host == "huggingface.co" || host == "hf.co") && len(seg) >= 6 && seg[0] == "datasets" && seg[3] == "resolve":
		ref = seg[4]
	}
	if ref != "" {
		if fullSHA.MatchString(ref) {
			return ""
		}
		return "the branch or tag " + ref + ", not a commit"
	}
	for _, s := range seg {
		name := strings.ToLower(strings.TrimSuffix(s, path.Ext(s)))
		if name == "latest" || strings.HasSuffix(name, "-latest") || strings.HasSuffix(name, "_latest") {
			return "the key " + s + ", which each new upload replaces"
		}
	}
	return ""
}

// pickleExts are weight formats that are pickles, or zips of them: loading
// one runs the code it carries.
var pickleExts = []string{".pt", ".pth", ".bin", ".ckpt", ".pkl", ".pickle", ".joblib", ".mar"}

// PickleFormat reports a URL or path whose file name is a pickle-based
// weight format.
func PickleFormat(u string) bool {
	p := strings.ToLower(stripQuery(u))
	for _, e := range pickleExts {
		if strings.HasSuffix(p, e) {
			return true
		}
	}
	return false
}
