package objstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/source"
)

// remoteFixture is one store under test: a bucket that exists (empty), and
// ways to change it behind the scanner's back.
type remoteFixture struct {
	scheme, bucket string
	opts           Options
	put            func(t *testing.T, key string, body []byte)
	// pageSize sets the listing page size for the rest of the test.
	pageSize func(t *testing.T, n int)
	// refuses says the server refuses a key the real store accepts
	// (SeaweedFS answers 400 to "a/../b.pkl", which S3 stores as is).
	refuses func(key string) bool
}

// remoteTree is what conformance uploads under "tree/": a few files of the
// example projects and a malicious pickle, names that a careless client
// would mangle (spaces, unicode, "..", '%', '?', '#'), and an object large
// enough to take several ranged requests.
func remoteTree(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string]string{
		"examples/credit-risk/requirements.txt": "../../examples/credit-risk/requirements.txt",
		"examples/credit-risk/Dockerfile":       "../../examples/credit-risk/Dockerfile",
		"examples/credit-risk/MLproject":        "../../examples/credit-risk/MLproject",
		"models/mixed_levels.pkl":               "../analyzers/model/testdata/err/mixed_levels.pkl",
		"with space/model file.pkl":             "../analyzers/model/testdata/err/mixed_levels.pkl",
		"ünïcødé/データ.pkl":                       "../analyzers/model/testdata/err/derived_smtpd.pkl",
		"a/../b.pkl":                            "../analyzers/model/testdata/err/derived_mailcap.pkl",
	}
	tree := map[string][]byte{}
	for key, p := range files {
		b, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			t.Fatal(err)
		}
		tree[key] = b
	}
	tree["odd/100%.txt"] = []byte("percent\n")
	tree["odd/q?x=1#frag.txt"] = []byte("query and fragment characters\n")
	big := make([]byte, 3*minSpan+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	tree["big/weights.bin"] = big
	return tree
}

// conformance checks a backend against a real server: listing, ranged
// reads, missing objects, pagination and a missing bucket.
func conformance(t *testing.T, fx remoteFixture) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fx.opts.Attempts = 2
	fx.opts.Timeout = 20 * time.Second
	tree := remoteTree(t)
	for key := range tree {
		if fx.refuses != nil && fx.refuses(key) {
			delete(tree, key)
		}
	}
	for key, b := range tree {
		fx.put(t, "tree/"+key, b)
	}
	fx.put(t, "tree-sibling/not-under-the-prefix.txt", []byte("no\n"))

	open := func(t *testing.T, bucket, prefix string) *Store {
		t.Helper()
		s, err := Open(ctx, Location{Scheme: fx.scheme, Bucket: bucket, Prefix: prefix}, fx.opts)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	walk := func(t *testing.T, s *Store) (map[string]int64, error) {
		t.Helper()
		got := map[string]int64{}
		err := s.Walk(ctx, nil, func(e source.Entry) {
			if e.OS != strings.TrimSuffix(s.Prefix, "/")+"/"+e.Rel && e.OS != s.Prefix {
				t.Errorf("entry %q: key %q is not the prefix and Rel", e.Path, e.OS)
			}
			if e.Path != s.URI(e.OS) {
				t.Errorf("entry %q: path is not the key's URI %q", e.Path, s.URI(e.OS))
			}
			got[e.Rel] = e.Size
		}, func(sk source.Skip) { t.Errorf("skipped %s: %s", sk.Path, sk.Reason) })
		return got, err
	}
	want := map[string]int64{}
	for key, b := range tree {
		want[key] = int64(len(b))
	}
	sameTree := func(t *testing.T, got map[string]int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("listed %d objects, want %d: %v", len(got), len(want), keys(got))
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("object %q: listed size %d, want %d (listed: %v)", k, got[k], n, keys(got))
			}
		}
	}

	t.Run("walk", func(t *testing.T) {
		got, err := walk(t, open(t, fx.bucket, "tree"))
		if err != nil {
			t.Fatal(err)
		}
		sameTree(t, got)
	})

	t.Run("pages", func(t *testing.T) {
		fx.pageSize(t, 3) // 10 objects: four pages
		got, err := walk(t, open(t, fx.bucket, "tree/"))
		if err != nil {
			t.Fatal(err)
		}
		sameTree(t, got)
	})

	t.Run("one object", func(t *testing.T) {
		for _, key := range []string{"with space/model file.pkl", "a/../b.pkl", "ünïcødé/データ.pkl", "odd/q?x=1#frag.txt"} {
			if _, ok := tree[key]; !ok {
				continue // the server refuses it
			}
			got, err := walk(t, open(t, fx.bucket, "tree/"+key))
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if len(got) != 1 || got[pathBase(key)] != int64(len(tree[key])) {
				t.Errorf("walking the object %q listed %v", key, got)
			}
		}
	})

	t.Run("ranged reads", func(t *testing.T) {
		s := open(t, fx.bucket, "tree/")
		for _, key := range []string{"big/weights.bin", "a/../b.pkl", "odd/100%.txt", "ünïcødé/データ.pkl"} {
			body, ok := tree[key]
			if !ok {
				continue // the server refuses it
			}
			size := int64(len(body))
			r := s.Open("tree/"+key, size)
			for _, at := range []struct{ off, n int64 }{
				{0, 1}, {size - 1, 1}, {1, 7}, {size / 2, size / 3}, {minSpan - 5, 10}, {0, size}, {size - 3, 3},
			} {
				if at.off < 0 || at.off+at.n > size || at.n <= 0 {
					continue
				}
				p := make([]byte, at.n)
				if n, err := r.ReadAt(p, at.off); err != nil || int64(n) != at.n {
					t.Fatalf("%s: ReadAt(%d bytes at %d) = %d, %v", key, at.n, at.off, n, err)
				}
				if !bytes.Equal(p, body[at.off:at.off+at.n]) {
					t.Fatalf("%s: ReadAt(%d bytes at %d) returned other bytes", key, at.n, at.off)
				}
			}
			if n, err := r.ReadAt(make([]byte, 4), size-2); n != 2 || err != io.EOF {
				t.Errorf("%s: reading past the end = %d, %v; want 2, io.EOF", key, n, err)
			}
			// A fresh reader read through sequentially gives the object.
			all, err := io.ReadAll(s.Open("tree/"+key, size))
			if err != nil || !bytes.Equal(all, body) {
				t.Errorf("%s: sequential read: %d bytes, %v", key, len(all), err)
			}
			r.Close()
		}
	})

	t.Run("sha256", func(t *testing.T) {
		_, ok, err := open(t, fx.bucket, "tree/").SHA256(ctx, "tree/odd/100%.txt")
		if err != nil || ok {
			t.Errorf("SHA256 = ok %v, %v; the store keeps none", ok, err)
		}
	})

	t.Run("missing object", func(t *testing.T) {
		s := open(t, fx.bucket, "tree/")
		if _, err := s.Stat(ctx, "tree/no such object.pkl"); err != ErrNotFound {
			t.Errorf("Stat of a missing object: %v, want ErrNotFound", err)
		}
		if err := s.ReadRange(ctx, "tree/no such object.pkl", make([]byte, 4), 0); err != ErrNotFound {
			t.Errorf("ReadRange of a missing object: %v, want ErrNotFound", err)
		}
		_, err := walk(t, open(t, fx.bucket, "no-such-prefix"))
		if err == nil || !strings.Contains(err.Error(), "no objects found") {
			t.Errorf("walking an empty prefix: %v", err)
		}
	})

	t.Run("shrunk object", func(t *testing.T) {
		fx.put(t, "tree2/shrinks.bin", bytes.Repeat([]byte("x"), 1000))
		s := open(t, fx.bucket, "tree2/")
		r := s.Open("tree2/shrinks.bin", 1000)
		fx.put(t, "tree2/shrinks.bin", []byte("short"))
		_, err := r.ReadAt(make([]byte, 10), 500)
		if !errors.Is(err, errShrunk) {
			t.Errorf("reading past the end of a replaced, shorter object: %v, want errShrunk", err)
		}
	})

	t.Run("replaced object", func(t *testing.T) {
		fx.put(t, "tree3/swapped.pkl", bytes.Repeat([]byte("a"), 1000))
		s := open(t, fx.bucket, "tree3/")
		o, err := s.Stat(ctx, "tree3/swapped.pkl")
		if err != nil || o.Version == "" {
			t.Fatalf("Stat: %+v, %v; want a version", o, err)
		}
		r := s.OpenObject(o)
		fx.put(t, "tree3/swapped.pkl", bytes.Repeat([]byte("b"), 1000)) // same size, other bytes
		if _, err := r.ReadAt(make([]byte, 10), 0); !errors.Is(err, ErrChanged) {
			t.Errorf("reading a listed version after the object was replaced: %v, want ErrChanged", err)
		}
	})

	t.Run("missing bucket", func(t *testing.T) {
		s := open(t, "no-such-bucket-mlsec", "models/")
		_, err := walk(t, s)
		if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no-such-bucket-mlsec") {
			t.Fatalf("walking a bucket that does not exist: %v; want an error naming it", err)
		}
		t.Logf("missing bucket (list): %v", err)
		_, err = s.Stat(ctx, "models/x.pkl")
		if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no-such-bucket-mlsec") {
			t.Fatalf("Stat in a bucket that does not exist: %v; want an error naming the bucket, not ErrNotFound", err)
		}
		t.Logf("missing bucket (stat): %v", err)
	})
}

func pathBase(key string) string { return key[strings.LastIndex(key, "/")+1:] }

func keys(m map[string]int64) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
