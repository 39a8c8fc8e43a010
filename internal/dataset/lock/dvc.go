package lock

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxDVCFile bounds a .dvc file and a cached directory listing read
// whole: both are small in practice, and both are the attacker's input.
const (
	maxDVCFile    = 1 << 20
	maxDirListing = 64 << 20
)

// dvcFile is the part of a .dvc file that names outputs.
type dvcFile struct {
	Outs []struct {
		MD5  string `yaml:"md5"`
		Size int64  `yaml:"size"`
		Path string `yaml:"path"`
		Hash string `yaml:"hash"` // "md5" for DVC 3; absent for DVC 2's dos2unix md5
	} `yaml:"outs"`
}

func readBounded(p string, max int64) ([]byte, error) {
	f, err := openNoFollow(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, max)
	}
	return b, nil
}

// dvcJobs resolves the outputs a .dvc file records into files to hash:
// the workspace copy when present, else the DVC cache object.
func dvcJobs(base, dvcPath string) ([]job, error) {
	b, err := readBounded(dvcPath, maxDVCFile)
	if err != nil {
		return nil, err
	}
	var df dvcFile
	if err := yaml.Unmarshal(b, &df); err != nil {
		return nil, fmt.Errorf("%s: not a DVC file: %v", dvcPath, err)
	}
	if len(df.Outs) == 0 {
		return nil, fmt.Errorf("%s: records no outputs", dvcPath)
	}
	dvcRel, err := relTo(base, dvcPath)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(dvcPath)
	cache := findCache(dir)
	var jobs []job
	for _, o := range df.Outs {
		if o.Path == "" || o.MD5 == "" || filepath.IsAbs(o.Path) || strings.HasPrefix(path.Clean(filepath.ToSlash(o.Path)), "../") {
			return nil, fmt.Errorf("%s: output %q: want a relative path inside the directory and an md5", dvcPath, o.Path)
		}
		dos := o.Hash == ""
		out := filepath.Join(dir, filepath.FromSlash(o.Path))
		if md, ok := strings.CutSuffix(o.MD5, ".dir"); ok {
			listing, err := dirListing(cache, md)
			if err != nil {
				return nil, fmt.Errorf("%s: output %q: %v", dvcPath, o.Path, err)
			}
			for _, f := range listing {
				if f.Relpath == "" || filepath.IsAbs(f.Relpath) || strings.HasPrefix(path.Clean(f.Relpath), "../") || path.Clean(f.Relpath) != f.Relpath {
					return nil, fmt.Errorf("%s: output %q: cached listing names %q, not a path inside the directory", dvcPath, o.Path, f.Relpath)
				}
				j, err := resolve(base, filepath.Join(out, filepath.FromSlash(f.Relpath)), cache, f.MD5, dvcRel, dos)
				if err != nil {
					return nil, err
				}
				jobs = append(jobs, j)
			}
			continue
		}
		j, err := resolve(base, out, cache, o.MD5, dvcRel, dos)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

func resolve(base, workspace, cache, md5sum, dvcRel string, dos bool) (job, error) {
	rel, err := relTo(base, workspace)
	if err != nil {
		return job{}, err
	}
	j := job{rel: rel, os: workspace, dvc: &DVCRef{File: dvcRel, MD5: md5sum}, dvcDOS: dos}
	// DVC can link workspace files to the cache: a link is not followed,
	// the cache object is read instead.
	if fi, err := os.Lstat(workspace); err == nil && fi.Mode().IsRegular() {
		return j, nil
	}
	obj := cacheObject(cache, md5sum)
	if obj == "" {
		return job{}, fmt.Errorf("%s: %s is not in the workspace and no DVC cache holds md5 %s", dvcRel, rel, md5sum)
	}
	crel, err := relTo(base, obj)
	if err != nil {
		return job{}, err
	}
	j.os = obj
	j.dvc.Cache = crel
	return j, nil
}

// findCache returns the DVC cache directory of the repository holding
// dir: the nearest .dvc/cache above it; "" when there is none.
func findCache(dir string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		c := filepath.Join(d, ".dvc", "cache")
		if fi, err := os.Lstat(c); err == nil && fi.IsDir() {
			return c
		}
		up := filepath.Dir(d)
		if up == d {
			return ""
		}
		d = up
	}
}

// cacheObject finds a cache object by md5: DVC 3 keeps it under
// files/md5/, DVC 2 at the cache's top.
func cacheObject(cache, md5sum string) string {
	if cache == "" || len(md5sum) < 3 || !isHex(strings.TrimSuffix(md5sum, ".dir")) {
		return ""
	}
	for _, p := range []string{filepath.Join(cache, "files", "md5", md5sum[:2], md5sum[2:]), filepath.Join(cache, md5sum[:2], md5sum[2:])} {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && len(s) == 32
}

type listed struct {
	MD5     string `json:"md5"`
	Relpath string `json:"relpath"`
}

func dirListing(cache, md5sum string) ([]listed, error) {
	obj := cacheObject(cache, md5sum+".dir")
	if obj == "" {
		return nil, fmt.Errorf("the directory listing %s.dir is not in the DVC cache (run dvc pull, or lock the directory itself)", md5sum)
	}
	b, err := readBounded(obj, maxDirListing)
	if err != nil {
		return nil, err
	}
	var l []listed
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s: not a DVC directory listing: %v", obj, err)
	}
	if sum := md5.Sum(b); hex.EncodeToString(sum[:]) != md5sum {
		return nil, fmt.Errorf("%s: the directory listing does not match its md5 %s", obj, md5sum)
	}
	return l, nil
}

// dos2unix hashes what DVC 2 hashed for a text file: the bytes with CRLF
// turned into LF. Whether the file is text is decided, as DVC decides,
// from its first 512 bytes.
type dos2unix struct {
	h       hash.Hash
	head    []byte
	pending bool // a CR at the end of the last write
}

func newDos2unix() *dos2unix { return &dos2unix{h: md5.New()} }

func (d *dos2unix) Write(p []byte) (int, error) {
	if len(d.head) < 512 {
		d.head = append(d.head, p[:min(len(p), 512-len(d.head))]...)
	}
	n := len(p)
	if d.pending {
		if len(p) > 0 && p[0] == '\n' {
			d.h.Write([]byte{'\n'})
			p = p[1:]
		} else {
			d.h.Write([]byte{'\r'})
		}
		d.pending = false
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\r')
		if i < 0 {
			d.h.Write(p)
			break
		}
		d.h.Write(p[:i])
		if i+1 == len(p) {
			d.pending = true
			break
		}
		if p[i+1] == '\n' {
			d.h.Write([]byte{'\n'})
			p = p[i+2:]
		} else {
			d.h.Write([]byte{'\r'})
			p = p[i+1:]
		}
	}
	return n, nil
}

func (d *dos2unix) text() bool {
	if bytes.IndexByte(d.head, 0) >= 0 {
		return false
	}
	non := 0
	for _, c := range d.head {
		if c < 8 || c > 13 && c < 32 && c != 27 {
			non++
		}
	}
	return len(d.head) == 0 || float64(non)/float64(len(d.head)) <= 0.3
}

func (d *dos2unix) sum() string {
	if d.pending {
		d.h.Write([]byte{'\r'})
		d.pending = false
	}
	return hex.EncodeToString(d.h.Sum(nil))
}
