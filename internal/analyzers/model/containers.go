package model

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/bodgit/sevenzip"
	"github.com/mlsec/mlsec/internal/archive"
	"github.com/mlsec/mlsec/internal/format"
)

// container opens an archive or compressed stream and scans its members
// one level deeper.
func (s *scanner) container(c format.Format, in input) {
	switch c {
	case format.Zip, format.SevenZip:
		at, size := in.at, in.size
		if at == nil || size < 0 {
			var cleanup func()
			var err error
			at, size, cleanup, err = s.spool(in.r)
			if cleanup != nil {
				defer cleanup()
			}
			if err != nil {
				s.inconclusive(in.member, fmt.Sprintf("nested %s archive not scanned: %v", c, err))
				return
			}
		}
		if c == format.Zip {
			s.scanZip(at, size, in.member, in.depth+1)
		} else {
			s.scan7z(at, size, in.member, in.depth+1)
		}
	case format.Tar:
		r := in.r
		if in.at != nil && in.size >= 0 {
			r = io.NewSectionReader(in.at, 0, in.size) // seekable: tar skips members without reading them
		}
		s.scanTar(r, in.member, in.depth+1)
	case format.Gzip, format.Bzip2, format.XZ, format.Zlib, format.LZMA, format.JoblibZF:
		// joblib.load and tarfile open all of these by their magic bytes.
		cnt := &archive.Counter{R: in.r}
		dec, name, err := archive.Decompress(c, cnt)
		if err != nil {
			s.inconclusiveLow(in.member, "the loaders cannot open the stream either",
				fmt.Sprintf("%s stream could not be opened: %v", c, err))
			return
		}
		if name == "" {
			name = gunzipName(in.member, s.pass.File.Path)
		}
		g := &archive.Guard{R: dec, In: func() int64 { return cnt.N }, Budget: s.budget, MaxRatio: bombRatio, MinSize: bombMinSize}
		s.scan(input{r: g, size: -1, member: join(in.member, archive.CleanName(name)), depth: in.depth + 1})
	default:
		s.inconclusive(in.member, fmt.Sprintf("%s-compressed content is not supported and was not scanned", c))
	}
}

// spool makes a stream random-access for zip and 7z: in memory when small,
// in a temporary file otherwise.
func (s *scanner) spool(r io.Reader) (io.ReaderAt, int64, func(), error) {
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, r, memSpool+1)
	if err != nil && err != io.EOF {
		return nil, 0, nil, err
	}
	if n <= memSpool {
		return bytes.NewReader(buf.Bytes()), n, nil, nil
	}
	// The command removes Settings.TempDir however the scan ends (Ctrl-C
	// included); a spool can reach maxSpool bytes.
	f, err := os.CreateTemp(s.pass.Settings.TempDir, "mlsec-spool-*")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	if _, err := f.Write(buf.Bytes()); err != nil {
		return nil, 0, cleanup, err
	}
	m, err := io.CopyN(f, r, maxSpool-n+1)
	if err != nil && err != io.EOF {
		return nil, 0, cleanup, err
	}
	if n+m > maxSpool {
		return nil, 0, cleanup, fmt.Errorf("over the %d MiB limit for nested archives", maxSpool>>20)
	}
	return f, n + m, cleanup, nil
}

// tensorData matches the tensor storages of a PyTorch zip ("archive/data/0"),
// which torch.load reads as raw bytes and never unpickles.
var tensorData = regexp.MustCompile(`(^|/)data/[0-9]+$`)

func (s *scanner) scanZip(at io.ReaderAt, size int64, member string, depth int) {
	z, err := archive.ReadZip(at, size)
	if err != nil {
		s.inconclusive(member, "zip archive could not be read: "+err.Error())
		return
	}
	s.scanZipDir(z, at, member, depth)
}

// torchText are the small text members of a PyTorch zip; torch.load reads
// them as text, never as pickles.
var torchText = map[string]bool{"byteorder": true, "version": true, ".data/version": true, ".data/serialization_id": true}

// torchMemberName is a PyTorch zip member's name below the top folder.
func torchMemberName(name string) string {
	_, rest, ok := strings.Cut(name, "/")
	if !ok {
		return name
	}
	return rest
}

func (s *scanner) scanZipDir(z *archive.Zip, at io.ReaderAt, member string, depth int) {
	torch, npz, keras := false, len(z.Entries) > 0, false
	for _, e := range z.Entries {
		torch = torch || e.Name == "data.pkl" || strings.HasSuffix(e.Name, "/data.pkl")
		npz = npz && strings.HasSuffix(e.Name, ".npy")
		keras = keras || e.Name == "config.json"
	}
	if member == "" && (s.format == "" || s.format == "zip" || s.format == "polyglot-zip") {
		switch {
		case z.Prefix > 0:
			s.format = "polyglot-zip"
		case torch:
			s.format = "pytorch-zip"
		case npz:
			s.format = "npz"
		case keras:
			s.format = "keras"
		default:
			s.format = "zip"
		}
	}
	for _, a := range z.Anomalies {
		if !a.Encryption {
			s.anomaly(join(member, a.Member), a.Message+fmt.Sprintf(" (at byte %#x)", a.Offset))
		}
	}
	if z.Truncated {
		s.inconclusive(member, fmt.Sprintf("zip lists more than %d members; the rest were not scanned", archive.MaxEntries))
	}
	if z.Prefix > 0 {
		// Data before the archive: torch.load ignores it, pickle.load of the
		// same file runs it.
		pre := io.NewSectionReader(at, 0, z.Prefix)
		s.scan(input{r: pre, at: pre, size: z.Prefix, member: member, depth: depth})
	}
	// Overlapping members (several central entries over the same data) are
	// a bomb and evasion technique. Each distinct view of the data — offset,
	// method and length, since the reader takes the method and sizes from the
	// central entry — is scanned once; an entry skipped by name (a tensor
	// storage) does not vouch for another name over the same bytes.
	type view struct {
		off    int64
		method uint16
		size   uint64
	}
	seen := map[int64]string{}   // data offset → first member there
	scanned := map[view]string{} // views already scanned → member
	for _, e := range z.Entries {
		if s.ctx().Err() != nil {
			return
		}
		s.members++
		name := join(member, e.Name)
		if e.CompressedSize == 0 || strings.HasSuffix(e.Name, "/") {
			continue
		}
		if first, dup := seen[e.DataOffset]; dup {
			s.anomaly(name, fmt.Sprintf("member shares its data with %q (overlapping members: a zip-bomb and scanner-evasion technique)", first))
		} else {
			seen[e.DataOffset] = e.Name
		}
		if torch && (tensorData.MatchString(e.Name) || torchText[torchMemberName(e.Name)]) {
			continue // raw tensor bytes skipped by length; text torch never unpickles
		}
		v := view{e.DataOffset, e.Method, e.CompressedSize}
		if _, dup := scanned[v]; dup {
			continue
		}
		scanned[v] = e.Name
		if keras && e.Name == "config.json" {
			s.scanKerasConfig(z, e, name)
			continue
		}
		s.scanZipMember(z, e, name, depth)
	}
}

func (s *scanner) scanZipMember(z *archive.Zip, e *archive.Entry, name string, depth int) {
	m, err := z.Open(e)
	if err != nil {
		s.inconclusive(name, "member not scanned: "+err.Error())
		return
	}
	in := input{r: m, size: int64(e.Size), member: name, depth: depth}
	if e.Method == archive.Store {
		raw := z.Raw(e)
		in.at, in.size = raw, raw.Size()
	} else {
		csize := int64(e.CompressedSize)
		in.r = &archive.Guard{R: m, In: func() int64 { return csize }, Budget: s.budget, MaxRatio: bombRatio, MinSize: bombMinSize}
	}
	if e.Encrypted() {
		head := make([]byte, sniffLen)
		n, _ := io.ReadFull(in.r, head)
		head = head[:n]
		if !recognised(head) {
			s.encrypts++
			s.inconclusiveLow(name, "a loader cannot read an encrypted member without its password either",
				"member is encrypted; its content could not be checked")
			return
		}
		s.anomaly(name, fmt.Sprintf("encryption flag set (flags %#04x) on a member whose data is plain: scanners that honour the flag skip it, PyTorch reads it", e.Flags))
		in.r = io.MultiReader(bytes.NewReader(head), in.r)
		in.at = nil
	}
	s.scan(in)
	if m.CRCMismatch() {
		s.anomaly(name, "CRC-32 of the member does not match the one declared: strict readers refuse it, PyTorch does not check")
	}
}

// recognised reports whether head is a format the scanner reads: used to
// tell a member that only claims to be encrypted from one that is. Every
// format that can hold a pickle sniffs before every one that cannot, so
// this is true whenever any of their tests matches.
func recognised(head []byte) bool {
	return format.Sniff(head).HoldsPickle()
}

func (s *scanner) scan7z(at io.ReaderAt, size int64, member string, depth int) {
	z, err := sevenzip.NewReader(at, size)
	if err != nil {
		s.inconclusive(member, "7z archive could not be read: "+err.Error())
		return
	}
	if member == "" {
		s.format = "7z"
	}
	for i, f := range z.File {
		if s.ctx().Err() != nil {
			return
		}
		if i >= maxMembers {
			s.inconclusive(member, fmt.Sprintf("7z archive lists more than %d members; the rest were not scanned", maxMembers))
			return
		}
		if f.FileInfo().IsDir() || f.UncompressedSize == 0 {
			continue
		}
		s.members++
		name := join(member, archive.CleanName(f.Name))
		rc, err := f.Open()
		if err != nil {
			s.inconclusiveLow(name, "no model loader reads 7z members itself, and this one does not open",
				"7z member could not be opened (encrypted or unsupported): "+err.Error())
			continue
		}
		g := &archive.Guard{R: rc, In: func() int64 { return size }, Budget: s.budget, MaxRatio: bombRatio, MinSize: bombMinSize}
		s.scan(input{r: g, size: int64(f.UncompressedSize), member: name, depth: depth})
		rc.Close()
	}
}

func (s *scanner) scanTar(r io.Reader, member string, depth int) {
	tr := tar.NewReader(r)
	for i := 0; ; i++ {
		if s.ctx().Err() != nil {
			return
		}
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			var lim *archive.LimitError
			if !errors.As(err, &lim) {
				s.inconclusiveLow(member, "tarfile stops at the same break, so the loader does not reach those members either",
					"tar archive is corrupt or truncated; members after the break were not scanned: "+err.Error())
			}
			return
		}
		if i >= maxMembers {
			s.inconclusive(member, fmt.Sprintf("tar archive holds more than %d members; the rest were not scanned", maxMembers))
			return
		}
		// The reader reports old-style TypeRegA members as TypeReg.
		if h.Typeflag != tar.TypeReg || h.Size == 0 {
			continue
		}
		s.members++
		name := join(member, archive.CleanName(h.Name))
		s.scan(input{r: tr, size: h.Size, member: name, depth: depth})
	}
}

// gunzipName names the content of a compressed stream that carries no name
// of its own after the stream's name: "bundle.tar.gz" holds "bundle.tar".
func gunzipName(member, file string) string {
	n := member
	if i := strings.LastIndex(n, "!"); i >= 0 {
		n = n[i+1:]
	}
	if n == "" {
		n = file
	}
	n = n[strings.LastIndex(n, "/")+1:]
	lower := strings.ToLower(n)
	for _, ext := range []string{".gz", ".bz2", ".tbz2", ".tgz", ".gzip", ".xz", ".lzma", ".z", ".zlib"} {
		if strings.HasSuffix(lower, ext) {
			base := n[:len(n)-len(ext)]
			if ext == ".tgz" || ext == ".tbz2" {
				base += ".tar"
			}
			if base != "" {
				return base
			}
		}
	}
	return "(decompressed)"
}
