package finding

import (
	"path"
	"strings"
)

// Report paths are slash paths, or the URIs of objects in a bucket
// (s3://bucket/key). path.Dir and path.Join would fold a URI's "//" into
// "/", and a finding or asset built from the result would name no object
// the scan has (s3:/bucket/key). Dir, Join and Clean are path's functions
// for report paths: a URI's scheme and bucket are a root that ".." cannot
// climb above, as "/" is (a key "../../other-bucket/x" stays in its bucket).

// uriRoot splits "s3://bucket/key" into "s3://bucket" and "/key"; a path
// that is not a URI has no root.
func uriRoot(p string) (root, rest string) {
	scheme, after, ok := strings.Cut(p, "://")
	if !ok || scheme == "" || strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
		return "", p
	}
	bucket, key, _ := strings.Cut(after, "/")
	return scheme + "://" + bucket, "/" + key
}

// rooted puts a rooted slash path back under its URI root.
func rooted(root, p string) string {
	if p == "/" {
		return root
	}
	return root + p
}

// Dir is path.Dir for report paths.
func Dir(p string) string {
	root, rest := uriRoot(p)
	if root == "" {
		return path.Dir(p)
	}
	return rooted(root, path.Dir(rest))
}

// Join is path.Join for report paths: the first element may be a URI.
func Join(elem ...string) string {
	if len(elem) == 0 {
		return ""
	}
	root, rest := uriRoot(elem[0])
	if root == "" {
		return path.Join(elem...)
	}
	return rooted(root, path.Join(append([]string{rest}, elem[1:]...)...))
}

// Clean is path.Clean for report paths.
func Clean(p string) string { return Join(p) }
