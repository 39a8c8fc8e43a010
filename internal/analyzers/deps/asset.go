package deps

import (
	"strings"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
)

// IndexAsset is the external asset of a package index, find-links page or
// channel named by a URL, with the identity every analyzer must give it:
// the URL without credentials, query or fragment (an index written with a
// token in one file and without in another is one index, and the asset
// name never carries the secret), and without a trailing slash. ok is
// false when raw is not a scheme:// URL.
func IndexAsset(raw string) (a asset.Asset, ok bool) {
	u, ok := parseURL(strings.TrimSpace(raw))
	if !ok {
		return asset.Asset{}, false
	}
	name, path := u.clean(), maskPathToken(u.path)
	name = name[:len(name)-len(path)] + strings.TrimRight(path, "/")
	return asset.New(finding.AssetExternal, name), true
}
