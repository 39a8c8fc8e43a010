// Package hdf5 finds the Keras attributes of a legacy .h5 model file —
// the model_config JSON and the keras_version string — without a full
// HDF5 implementation.
//
// A pure reader of the root group's attributes would need the v0–v3
// superblocks, v1 and v2 object headers, compact and dense (fractal heap
// and v2 B-tree) attribute storage and the global heap for variable-length
// strings. Instead this package relies on two facts of how h5py stores
// what Keras writes, and on structure it can check:
//
//   - model_config is written as one JSON document (fixed-length string
//     data, in the object header or a dense-storage heap block): its bytes
//     are contiguous in the file. Every '{"class_name"' or '{"module"' in
//     the scanned window that decodes as a JSON object with a class_name
//     is returned, so a benign-looking config placed before the real one
//     cannot hide it: the caller checks them all.
//   - keras_version is a variable-length string in a global heap
//     collection ("GCOL"), or a fixed-length string next to its name; the
//     collections in the window are parsed by their documented layout and
//     the first version-shaped string is taken.
//
// Only the first MaxScan bytes are scanned: Keras writes the root
// attributes before the weights, so they sit at the start of the file.
// Scanning is linear and reads in fixed-size chunks.
package hdf5

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"slices"
)

// Signature is the HDF5 format signature at offset 0.
const Signature = "\x89HDF\r\n\x1a\n"

// Bounds.
const (
	MaxScan   = 64 << 20 // bytes of the file searched for the attributes
	MaxConfig = 32 << 20 // bytes one JSON document may span
	// MaxDecode bounds the bytes read by all decoding attempts together:
	// a file of many '{"class_name"' heads inside one unterminated string
	// would otherwise make each attempt read MaxConfig bytes.
	MaxDecode = 4 * MaxConfig
	maxDocs   = 64 // JSON documents returned
	chunk     = 1 << 20
)

// Doc is one JSON config found in the file.
type Doc struct {
	Offset int64
	JSON   []byte
}

// Keras is what was found.
type Keras struct {
	Configs      []Doc
	KerasVersion string
	Backend      string
	// Partial is set when the file is longer than the scanned window.
	Partial bool
	// Marked is set when the window holds names only Keras writes
	// (keras_version, model_weights, layer_names): a Keras file, not a
	// plain HDF5 data file.
	Marked bool
	// Limited is set when MaxDecode was spent before every candidate
	// was decoded.
	Limited bool
	decoded int64
}

// ErrNotHDF5 means the signature is missing.
var ErrNotHDF5 = errors.New("not an HDF5 file (signature missing)")

var (
	kerasMarks = [][]byte{[]byte("keras_version"), []byte("model_weights"), []byte("layer_names")}
	starts     = [][]byte{[]byte(`{"class_name"`), []byte(`{"module"`)}
	versionRE  = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+[A-Za-z0-9.+-]*$`)
	versionIn  = regexp.MustCompile(`[0-9]+\.[0-9]+\.[0-9]+[A-Za-z0-9.+-]*`)
)

// ScanKeras looks for Keras attributes in an HDF5 file of size bytes.
func ScanKeras(r io.ReaderAt, size int64) (*Keras, error) {
	var sig [8]byte
	if _, err := r.ReadAt(sig[:], 0); err != nil || string(sig[:]) != Signature {
		return nil, ErrNotHDF5
	}
	k := &Keras{Partial: size > MaxScan}
	limit := min(size, MaxScan)
	buf := make([]byte, min(chunk+64, limit+64))
	skipTo := int64(0) // inside a decoded document: its nested objects are not candidates
	for off := int64(0); off < limit; off += chunk {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return k, err
		}
		b := buf[:n]
		// bytes.Index is vectorised: each pattern is searched on its own
		// rather than testing every byte against every pattern.
		var cands []int
		for _, st := range starts {
			cands = append(cands, indexAll(b, st)...)
		}
		slices.Sort(cands)
		for _, i := range cands {
			if at := off + int64(i); at >= skipTo && len(k.Configs) < maxDocs {
				if k.decoded >= MaxDecode {
					k.Limited = true
					break
				}
				d, end, n, ok := decodeAt(r, at, size)
				k.decoded += n
				if ok {
					k.Configs = append(k.Configs, d)
					skipTo = end
				}
			}
		}
		if k.KerasVersion == "" {
			for _, i := range indexAll(b, []byte("GCOL")) {
				k.globalHeap(r, off+int64(i), size)
			}
		}
		if k.KerasVersion == "" {
			if i := bytes.Index(b, []byte("keras_version\x00")); i >= 0 {
				var near [256]byte
				m, _ := r.ReadAt(near[:], off+int64(i)+14)
				if v := versionIn.Find(near[:m]); v != nil {
					k.KerasVersion = string(v)
				}
			}
		}
		for _, m := range kerasMarks {
			k.Marked = k.Marked || bytes.Contains(b, m)
		}
	}
	return k, nil
}

// indexAll returns the offsets of pat in b that start in the chunk
// proper (not in its overlap with the next chunk).
func indexAll(b, pat []byte) []int {
	var out []int
	for i := 0; i < min(len(b), chunk); {
		j := bytes.Index(b[i:], pat)
		if j < 0 || i+j >= chunk {
			break
		}
		out = append(out, i+j)
		i += j + 1
	}
	return out
}

// decodeAt decodes one JSON value starting at off, bounded by MaxConfig,
// and says how many bytes the attempt read.
func decodeAt(r io.ReaderAt, off, size int64) (Doc, int64, int64, bool) {
	sr := io.NewSectionReader(r, off, min(MaxConfig, size-off))
	dec := json.NewDecoder(sr)
	var raw json.RawMessage
	err := dec.Decode(&raw)
	read, _ := sr.Seek(0, io.SeekCurrent)
	if err != nil {
		return Doc{}, 0, read, false
	}
	var probe struct {
		ClassName *string `json:"class_name"`
	}
	if json.Unmarshal(raw, &probe) != nil || probe.ClassName == nil {
		return Doc{}, 0, read, false
	}
	return Doc{Offset: off, JSON: raw}, off + dec.InputOffset(), read, true
}

// globalHeap parses a global heap collection at off: "GCOL", version 1,
// three reserved bytes, the collection size (8 bytes, as h5py writes with
// 8-byte lengths), then objects of index (2), reference count (2),
// reserved (4), size (8) and data padded to 8 bytes; index 0 is free
// space and ends the walk.
func (k *Keras) globalHeap(r io.ReaderAt, off, size int64) {
	var hdr [16]byte
	if _, err := r.ReadAt(hdr[:], off); err != nil || hdr[4] != 1 {
		return
	}
	csize := int64(binary.LittleEndian.Uint64(hdr[8:]))
	if csize < 16 || csize > 1<<20 || off+csize > size {
		return
	}
	col := make([]byte, csize)
	if _, err := r.ReadAt(col, off); err != nil {
		return
	}
	for p := 16; p+16 <= len(col); {
		idx := binary.LittleEndian.Uint16(col[p:])
		osz := binary.LittleEndian.Uint64(col[p+8:])
		if idx == 0 || osz > uint64(len(col)-p-16) {
			return
		}
		data := col[p+16 : p+16+int(osz)]
		switch {
		case versionRE.Match(data) && k.KerasVersion == "":
			k.KerasVersion = string(data)
		case string(data) == "tensorflow" || string(data) == "jax" || string(data) == "torch" || string(data) == "theano":
			k.Backend = string(data)
		}
		p += 16 + int((osz+7)&^7)
	}
}
