package archive

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// Zip record signatures.
const (
	sigLocal    = "PK\x03\x04"
	sigCentral  = "PK\x01\x02"
	sigEOCD     = "PK\x05\x06"
	sigEOCD64   = "PK\x06\x06"
	sigLocator  = "PK\x06\x07"
	sigDesc     = "PK\x07\x08"
	localLen    = 30
	centralLen  = 46
	eocdLen     = 22
	eocd64Len   = 56
	locatorLen  = 20
	maxComment  = 0xffff
	zip64Marker = 0xffffffff
)

// MaxEntries bounds how many members one zip may declare before the reader
// stops and sets Zip.Truncated.
const MaxEntries = 100_000

// Compression methods the reader can open.
const (
	Store   uint16 = 0
	Deflate uint16 = 8
)

// Flag bits that ordinary writers set: deflate options (0x2, 0x4), data
// descriptor (0x8) and UTF-8 names (0x800). Any other bit is either an
// encryption or patch flag that PyTorch ignores and strict readers refuse —
// a known way to hide a member from a scanner — or junk.
const normalFlags = 0x2 | 0x4 | 0x8 | 0x800

// FlagEncrypted is the traditional encryption bit.
const FlagEncrypted = 0x1

// Entry is one zip member.
type Entry struct {
	Name           string // central directory name (local name when there is none), made printable
	Flags          uint16 // union of the local and central flags
	Method         uint16
	CRC32          uint32
	CompressedSize uint64
	Size           uint64 // uncompressed size as declared
	HeaderOffset   int64  // absolute offset of the local header
	DataOffset     int64  // absolute offset of the member data
}

// Encrypted reports whether the member claims to be encrypted.
func (e *Entry) Encrypted() bool { return e.Flags&(FlagEncrypted|0x40) != 0 }

// Anomaly is one irregularity a strict reader would refuse and PyTorch
// accepts: the caller reports it.
type Anomaly struct {
	Member  string // "" for the archive as a whole
	Offset  int64
	Message string
	// Encryption marks the encryption-flag anomaly: whether it is a trick
	// or a really encrypted member only shows in the member's content, so
	// the caller decides.
	Encryption bool
}

// Zip is a parsed zip directory over a reader.
type Zip struct {
	Entries   []*Entry
	Anomalies []Anomaly
	// Prefix is how many bytes precede the first member: data a zip reader
	// skips but that may be a pickle of its own (polyglot files).
	Prefix    int64
	Central   bool // the entries come from a valid central directory
	Truncated bool // more than MaxEntries members; the rest were not read

	r    io.ReaderAt
	size int64
}

// ReadZip reads the directory of the zip in r. It prefers the central
// directory, found by searching backwards from the end as every zip reader
// does, and falls back to scanning local headers forward when there is no
// usable one. It returns an error only when r holds no zip structure at all.
func ReadZip(r io.ReaderAt, size int64) (*Zip, error) {
	z := &Zip{r: r, size: size}
	if err := z.readCentral(); err != nil {
		z.Entries = nil
		z.Anomalies = append(z.Anomalies, Anomaly{Message: "no valid central directory (" + err.Error() + "); members were found by scanning local headers"})
		z.scanLocal()
		if len(z.Entries) == 0 {
			return nil, fmt.Errorf("not a zip archive: %v and no local file header", err)
		}
	} else {
		z.Central = true
	}
	z.Prefix = -1
	for _, e := range z.Entries {
		if z.Prefix < 0 || e.HeaderOffset < z.Prefix {
			z.Prefix = e.HeaderOffset
		}
	}
	if z.Prefix < 0 {
		z.Prefix = 0
	}
	if z.Prefix > 0 {
		z.Anomalies = append(z.Anomalies, Anomaly{Offset: 0, Message: fmt.Sprintf("%d bytes of data before the first zip member (a prepended file: polyglot or hidden payload)", z.Prefix)})
	}
	return z, nil
}

// FindZip reads a zip whose start is not at the start of r — a zip appended
// to other data — and succeeds only when a valid central directory says so.
// Unlike ReadZip it never scans the whole file for local headers, so it is
// cheap to call on any file.
func FindZip(r io.ReaderAt, size int64) (*Zip, bool) {
	z := &Zip{r: r, size: size}
	if _, _, err := z.findEOCD(); err != nil {
		return nil, false
	}
	z, err := ReadZip(r, size)
	if err != nil || !z.Central || len(z.Entries) == 0 {
		return nil, false
	}
	return z, true
}

// findEOCD returns the offset of the last plausible end-of-central-directory
// record, searching only the last 64 KiB the comment can span.
func (z *Zip) findEOCD() (int64, []byte, error) {
	n := min(z.size, int64(eocdLen+maxComment+locatorLen))
	if n < eocdLen {
		return 0, nil, errors.New("file too short for an end record")
	}
	tail := make([]byte, n)
	if _, err := z.r.ReadAt(tail, z.size-n); err != nil && err != io.EOF {
		return 0, nil, err
	}
	limit := len(tail)
	for {
		j := bytes.LastIndex(tail[:limit], []byte(sigEOCD))
		if j < 0 {
			break
		}
		limit = j + len(sigEOCD) - 1 // the next search cannot match at j again
		if j+eocdLen > len(tail) {
			continue
		}
		rec := tail[j : j+eocdLen]
		pos := z.size - n + int64(j)
		cdSize, cdOff := binary.LittleEndian.Uint32(rec[12:]), binary.LittleEndian.Uint32(rec[16:])
		if cdSize == zip64Marker || cdOff == zip64Marker || int64(cdSize)+int64(cdOff) <= pos {
			return pos, rec, nil
		}
	}
	return 0, nil, errors.New("no end-of-central-directory record")
}

func (z *Zip) readCentral() error {
	pos, rec, err := z.findEOCD()
	if err != nil {
		return err
	}
	count := uint64(binary.LittleEndian.Uint16(rec[10:]))
	cdSize := uint64(binary.LittleEndian.Uint32(rec[12:]))
	cdOff := uint64(binary.LittleEndian.Uint32(rec[16:]))
	end := pos // where the central directory must end
	if pos >= locatorLen {
		var loc [locatorLen]byte
		if _, err := z.r.ReadAt(loc[:], pos-locatorLen); err == nil && string(loc[:4]) == sigLocator {
			if c, s, o, at, ok := z.readEOCD64(int64(binary.LittleEndian.Uint64(loc[8:])), pos-locatorLen); ok {
				count, cdSize, cdOff, end = c, s, o, at
			}
		}
	}
	if cdSize > uint64(end) {
		return fmt.Errorf("central directory size %d larger than the file", cdSize)
	}
	start := end - int64(cdSize)
	// Offsets are relative to the zip's start; data prepended to the zip
	// shifts everything (Python's zipfile computes the same "concat").
	concat := start - int64(cdOff)
	if int64(cdOff) > start || concat < 0 {
		return fmt.Errorf("central directory offset %d past its end record", cdOff)
	}
	sr := io.NewSectionReader(z.r, start, int64(cdSize))
	br := newByteReader(sr)
	var fixed [centralLen]byte
	for i := uint64(0); i < count || count == 0xffff; i++ {
		if len(z.Entries) >= MaxEntries {
			z.Truncated = true
			break
		}
		if _, err := io.ReadFull(br, fixed[:]); err != nil {
			if len(z.Entries) == 0 && count > 0 {
				return fmt.Errorf("central directory truncated at entry %d", i)
			}
			break
		}
		if string(fixed[:4]) != sigCentral {
			if len(z.Entries) == 0 && count > 0 {
				return fmt.Errorf("central directory entry %d has a bad signature", i)
			}
			break
		}
		e, rawName, err := parseCentral(fixed[:], br)
		if err != nil {
			return err
		}
		e.HeaderOffset += concat
		z.resolveLocal(e, rawName)
	}
	if len(z.Entries) == 0 && count > 0 {
		return errors.New("central directory lists members but none could be read")
	}
	return nil
}

// readEOCD64 reads the zip64 end record at off (or shifted by prepended
// data) and returns its count, size, offset and where the directory ends.
func (z *Zip) readEOCD64(off, locAt int64) (count, size, cdOff uint64, end int64, ok bool) {
	for _, at := range []int64{off, locAt - eocd64Len} {
		if at < 0 || at+eocd64Len > z.size {
			continue
		}
		var b [eocd64Len]byte
		if _, err := z.r.ReadAt(b[:], at); err != nil || string(b[:4]) != sigEOCD64 {
			continue
		}
		return binary.LittleEndian.Uint64(b[32:]), binary.LittleEndian.Uint64(b[40:]), binary.LittleEndian.Uint64(b[48:]), at, true
	}
	return 0, 0, 0, 0, false
}

func parseCentral(fixed []byte, br io.Reader) (*Entry, []byte, error) {
	le := binary.LittleEndian
	e := &Entry{
		Flags:          le.Uint16(fixed[8:]),
		Method:         le.Uint16(fixed[10:]),
		CRC32:          le.Uint32(fixed[16:]),
		CompressedSize: uint64(le.Uint32(fixed[20:])),
		Size:           uint64(le.Uint32(fixed[24:])),
		HeaderOffset:   int64(le.Uint32(fixed[42:])),
	}
	nameLen, extraLen, commentLen := int(le.Uint16(fixed[28:])), int(le.Uint16(fixed[30:])), int(le.Uint16(fixed[32:]))
	buf := make([]byte, nameLen+extraLen+commentLen)
	if _, err := io.ReadFull(br, buf); err != nil {
		return nil, nil, errors.New("central directory entry truncated")
	}
	name, extra := buf[:nameLen], buf[nameLen:nameLen+extraLen]
	applyZip64(extra, &e.Size, &e.CompressedSize, &e.HeaderOffset)
	e.Name = CleanName(string(name))
	return e, name, nil
}

// applyZip64 replaces the 32-bit fields marked 0xffffffff by the values of
// the zip64 extra field, in the order the format lists them.
func applyZip64(extra []byte, size, csize *uint64, off *int64) {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		extra = extra[4:]
		if n > len(extra) {
			return
		}
		if id == 0x0001 {
			f := extra[:n]
			next := func() (uint64, bool) {
				if len(f) < 8 {
					return 0, false
				}
				v := le.Uint64(f)
				f = f[8:]
				return v, true
			}
			if *size == zip64Marker {
				if v, ok := next(); ok {
					*size = v
				}
			}
			if *csize == zip64Marker {
				if v, ok := next(); ok {
					*csize = v
				}
			}
			if off != nil && *off == zip64Marker {
				if v, ok := next(); ok && v < 1<<62 {
					*off = int64(v)
				}
			}
			return
		}
		extra = extra[n:]
	}
}

// resolveLocal reads the member's local header, checks it against the
// central entry and records the entry.
func (z *Zip) resolveLocal(e *Entry, rawName []byte) {
	var h [localLen]byte
	if e.HeaderOffset < 0 || e.HeaderOffset+localLen > z.size {
		z.anomaly(e.Name, e.HeaderOffset, "central directory points past the end of the file; member not readable")
		return
	}
	if _, err := z.r.ReadAt(h[:], e.HeaderOffset); err != nil || string(h[:4]) != sigLocal {
		z.anomaly(e.Name, e.HeaderOffset, "central directory points to something that is not a local file header; member not readable")
		return
	}
	le := binary.LittleEndian
	nameLen, extraLen := int64(le.Uint16(h[26:])), int64(le.Uint16(h[28:]))
	local := make([]byte, nameLen)
	if _, err := z.r.ReadAt(local, e.HeaderOffset+localLen); err != nil {
		z.anomaly(e.Name, e.HeaderOffset, "local file header truncated")
		return
	}
	lflags := le.Uint16(h[6:])
	if !bytes.Equal(local, rawName) {
		z.anomaly(e.Name, e.HeaderOffset, fmt.Sprintf("local header names the member %q but the central directory names it %q (strict readers refuse the file, PyTorch loads it)", CleanName(string(local)), e.Name))
	}
	if m := le.Uint16(h[8:]); m != e.Method {
		z.anomaly(e.Name, e.HeaderOffset, fmt.Sprintf("local header says compression method %d, central directory says %d", m, e.Method))
	}
	e.Flags |= lflags
	z.checkFlags(e)
	e.DataOffset = e.HeaderOffset + localLen + nameLen + extraLen
	z.clamp(e)
	z.Entries = append(z.Entries, e)
}

func (z *Zip) checkFlags(e *Entry) {
	odd := e.Flags &^ normalFlags
	switch {
	case odd == 0:
	case odd&(FlagEncrypted|0x40) != 0:
		z.Anomalies = append(z.Anomalies, Anomaly{Member: e.Name, Offset: e.HeaderOffset, Encryption: true,
			Message: fmt.Sprintf("encryption flag set (flags %#04x): scanners that honour it skip the member, PyTorch reads it as plain data", e.Flags)})
	default:
		z.anomaly(e.Name, e.HeaderOffset, fmt.Sprintf("unusual zip flag bits %#04x (patch/strong-encryption/reserved): strict readers refuse the member, PyTorch ignores them", odd))
	}
}

// clamp keeps the member's data inside the file.
func (z *Zip) clamp(e *Entry) {
	if e.DataOffset > z.size {
		e.DataOffset = z.size
	}
	if room := uint64(z.size - e.DataOffset); e.CompressedSize > room {
		z.anomaly(e.Name, e.HeaderOffset, fmt.Sprintf("member declares %d bytes but only %d remain in the file", e.CompressedSize, room))
		e.CompressedSize = room
	}
}

func (z *Zip) anomaly(member string, off int64, msg string) {
	z.Anomalies = append(z.Anomalies, Anomaly{Member: member, Offset: off, Message: msg})
}

// scanLocal finds members by their local headers, front to back, for zips
// whose central directory is missing or broken.
func (z *Zip) scanLocal() {
	le := binary.LittleEndian
	off := int64(0)
	for off < z.size {
		at := z.find(off, sigLocal)
		if at < 0 {
			return
		}
		if len(z.Entries) >= MaxEntries {
			z.Truncated = true
			return
		}
		var h [localLen]byte
		if _, err := z.r.ReadAt(h[:], at); err != nil {
			return
		}
		nameLen, extraLen := int64(le.Uint16(h[26:])), int64(le.Uint16(h[28:]))
		buf := make([]byte, nameLen+extraLen)
		if _, err := z.r.ReadAt(buf, at+localLen); err != nil {
			return
		}
		e := &Entry{
			Name:           CleanName(string(buf[:nameLen])),
			Flags:          le.Uint16(h[6:]),
			Method:         le.Uint16(h[8:]),
			CRC32:          le.Uint32(h[14:]),
			CompressedSize: uint64(le.Uint32(h[18:])),
			Size:           uint64(le.Uint32(h[22:])),
			HeaderOffset:   at,
			DataOffset:     at + localLen + nameLen + extraLen,
		}
		applyZip64(buf[nameLen:], &e.Size, &e.CompressedSize, nil)
		if e.Flags&0x8 != 0 || e.CompressedSize == zip64Marker {
			// Sizes live in a data descriptor after the data: the member
			// runs to the next record (deflate finds its own end anyway).
			next := z.find(e.DataOffset, "PK")
			for next >= 0 {
				var sig [4]byte
				z.r.ReadAt(sig[:], next)
				if s := string(sig[:]); s == sigLocal || s == sigCentral || s == sigEOCD || s == sigDesc {
					break
				}
				next = z.find(next+2, "PK")
			}
			if next < 0 {
				next = z.size
			}
			e.CompressedSize = uint64(next - e.DataOffset)
		}
		z.checkFlags(e)
		z.clamp(e)
		z.Entries = append(z.Entries, e)
		off = max(e.DataOffset+int64(e.CompressedSize), at+4)
	}
}

// find returns the offset of the first sig at or after off, or -1.
func (z *Zip) find(off int64, sig string) int64 {
	const chunk = 64 << 10
	buf := make([]byte, chunk+len(sig))
	for off < z.size {
		n, _ := z.r.ReadAt(buf, off)
		if n == 0 {
			return -1
		}
		if i := bytes.Index(buf[:n], []byte(sig)); i >= 0 {
			return off + int64(i)
		}
		if n < len(buf) {
			return -1
		}
		off += chunk
	}
	return -1
}

// Raw returns the member's stored bytes, still compressed.
func (z *Zip) Raw(e *Entry) *io.SectionReader {
	return io.NewSectionReader(z.r, e.DataOffset, int64(e.CompressedSize))
}

// Open returns a stream of the member's uncompressed bytes. The stream
// computes the CRC as it goes; see Member.CRCMismatch.
func (z *Zip) Open(e *Entry) (*Member, error) {
	raw := z.Raw(e)
	var r io.Reader
	switch e.Method {
	case Store:
		r = raw
	case Deflate:
		r = flate.NewReader(raw)
	default:
		return nil, fmt.Errorf("compression method %d is not supported", e.Method)
	}
	return &Member{r: r, crc: crc32.NewIEEE(), want: e.CRC32}, nil
}

// Member is an open zip member.
type Member struct {
	r    io.Reader
	crc  hash.Hash32
	want uint32
	n    int64
	eof  bool
}

// Read reads uncompressed bytes.
func (m *Member) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.crc.Write(p[:n])
	m.n += int64(n)
	if err == io.EOF {
		m.eof = true
	}
	return n, err
}

// CRCMismatch reports, once the member was read to its end, whether its
// CRC differs from the declared one.
func (m *Member) CRCMismatch() bool { return m.eof && m.crc.Sum32() != m.want }

// BytesRead is how many uncompressed bytes were read so far.
func (m *Member) BytesRead() int64 { return m.n }
