// Package format is the one registry of the binary formats the scanner
// recognises by content — pickles, the model and tensor formats, and the
// archives and compressed streams they travel in — and of the magic-byte
// tests that tell them apart.
//
// Sniff names the format of a file from its first bytes. Every caller that
// needs to know what a file or an archive member is by content asks here,
// so the tests, and the order in which they are tried, live in one place.
package format

import (
	"bytes"
	"encoding/binary"
	"strconv"

	"github.com/mlsec/mlsec/internal/npy"
	"github.com/mlsec/mlsec/internal/pickle"
)

// Format is a file format recognised by its first bytes.
type Format uint8

// The formats, declared in the order Sniff tries them: the first whose test
// matches wins. The order is part of the behaviour and is deliberate:
//
//   - Archives and compressed streams come first: their content is other
//     files, and LZMA's first byte (0x5d, EMPTY_LIST) also opens pickles.
//   - The compressed streams with a strong magic (gzip, bzip2, xz) come
//     before tar, whose magic sits at offset 257 of a member name; the
//     streams with a weak magic (zlib, LZMA, joblib ZF) come after tar, so a
//     tar whose first member name happens to start with 'x' or ']' stays a
//     tar.
//   - NPY and the pickles follow; the legacy PyTorch pickle before the plain
//     pickle it is a special case of; the guessed protocol 0/1 pickle after
//     every format with a real magic.
//   - Safetensors, GGUF and HDF5 last: they cannot hold a pickle, and no
//     head matches more than one of the three.
const (
	Unknown       Format = iota // nothing recognised
	Zip                         // zip: PyTorch checkpoints, .npz, .keras, plain archives
	SevenZip                    // 7z archive
	Gzip                        // gzip stream
	Bzip2                       // bzip2 stream
	XZ                          // xz stream
	Tar                         // ustar, GNU or pax tar archive
	Zlib                        // raw zlib stream: joblib's default compression
	LZMA                        // legacy .lzma ("LZMA alone") stream, as joblib writes it
	JoblibZF                    // joblib's pre-0.10 "ZF" compressed file
	NPY                         // NumPy .npy array
	TorchLegacy                 // legacy (non-zip) torch.save file: stacked pickles and raw storages
	Pickle                      // pickle opened by a PROTO opcode: protocol 2 to 5
	PickleNoProto               // pickle without PROTO (protocol 0 or 1), recognised by a heuristic
	Safetensors                 // safetensors: a length-prefixed JSON header, then raw tensors
	GGUF                        // llama.cpp GGUF
	HDF5                        // HDF5: Keras .h5 and other tensor files
	ONNX                        // ONNX ModelProto (protobuf)
	TFSavedModel                // TensorFlow saved_model.pb (protobuf)
	TFGraphDef                  // TensorFlow frozen GraphDef .pb (protobuf)
	numFormats
)

// HeadLen is how many leading bytes Sniff needs to see to decide every
// format (tar's magic ends at byte 262; 512 is one tar block). Callers may
// pass more, or less when the file is shorter.
const HeadLen = 512

// Entry is one format of the registry.
type Entry struct {
	Format Format
	// Name is how reports name the format ("zip", "gzip", "pickle"…).
	Name string
	// Match is the format's test on the first bytes of a file. It looks at
	// nothing but head, which may be any length, and never panics.
	Match func(head []byte) bool
	// Archive marks formats that hold named members (zip, tar, 7z).
	Archive bool
	// Compressed marks formats that are one compressed stream whose
	// content is another file.
	Compressed bool
	// HoldsPickle marks formats that are, or can carry, a pickle that a
	// loader would run: pickles themselves, NumPy object arrays, and every
	// archive and compressed stream. Safetensors, GGUF and HDF5 cannot.
	HoldsPickle bool
}

// table is the registry, indexed by Format, in sniff order.
var table = [numFormats]Entry{
	Unknown: {Format: Unknown, Name: "unknown", Match: func([]byte) bool { return false }},

	Zip:      {Format: Zip, Name: "zip", Match: isZip, Archive: true, HoldsPickle: true},
	SevenZip: {Format: SevenZip, Name: "7z", Match: is7z, Archive: true, HoldsPickle: true},
	Gzip:     {Format: Gzip, Name: "gzip", Match: isGzip, Compressed: true, HoldsPickle: true},
	Bzip2:    {Format: Bzip2, Name: "bzip2", Match: isBzip2, Compressed: true, HoldsPickle: true},
	XZ:       {Format: XZ, Name: "xz", Match: isXZ, Compressed: true, HoldsPickle: true},
	Tar:      {Format: Tar, Name: "tar", Match: isTar, Archive: true, HoldsPickle: true},
	Zlib:     {Format: Zlib, Name: "zlib", Match: isZlib, Compressed: true, HoldsPickle: true},
	LZMA:     {Format: LZMA, Name: "lzma", Match: isLZMA, Compressed: true, HoldsPickle: true},
	JoblibZF: {Format: JoblibZF, Name: "joblib-zf", Match: isJoblibZF, Compressed: true, HoldsPickle: true},

	NPY:           {Format: NPY, Name: "numpy", Match: isNPY, HoldsPickle: true},
	TorchLegacy:   {Format: TorchLegacy, Name: "pytorch-legacy", Match: isTorchLegacy, HoldsPickle: true},
	Pickle:        {Format: Pickle, Name: "pickle", Match: isPickle, HoldsPickle: true},
	PickleNoProto: {Format: PickleNoProto, Name: "pickle-noproto", Match: isPickleNoProto, HoldsPickle: true},

	Safetensors: {Format: Safetensors, Name: "safetensors", Match: isSafetensors},
	GGUF:        {Format: GGUF, Name: "gguf", Match: isGGUF},
	HDF5:        {Format: HDF5, Name: "hdf5", Match: isHDF5},

	ONNX:         {Format: ONNX, Name: "onnx", Match: isONNX},
	TFSavedModel: {Format: TFSavedModel, Name: "tf-savedmodel", Match: isTFSavedModel},
	TFGraphDef:   {Format: TFGraphDef, Name: "tf-graphdef", Match: isTFGraphDef},
}

// Sniff returns the format of the file whose first bytes are head, or
// Unknown. head should hold the first HeadLen bytes, or the whole file when
// it is shorter; it may be longer (the engine reads 8 KiB). The formats are
// tried in the order of their declaration and the first match wins.
func Sniff(head []byte) Format {
	for f := Unknown + 1; f < numFormats; f++ {
		if table[f].Match(head) {
			return f
		}
	}
	return Unknown
}

// Entries returns the registry in sniff order, without Unknown.
func Entries() []Entry {
	return append([]Entry(nil), table[Unknown+1:]...)
}

func (f Format) entry() *Entry {
	if f >= numFormats {
		return &table[Unknown]
	}
	return &table[f]
}

// String returns the format's name.
func (f Format) String() string {
	if f >= numFormats {
		return "format(" + strconv.Itoa(int(f)) + ")"
	}
	return table[f].Name
}

// Match reports whether head passes f's own test, whatever formats before f
// in the sniff order would also match.
func (f Format) Match(head []byte) bool { return f.entry().Match(head) }

// IsArchive reports whether f holds named members (zip, tar, 7z).
func (f Format) IsArchive() bool { return f.entry().Archive }

// IsCompressed reports whether f is a single compressed stream.
func (f Format) IsCompressed() bool { return f.entry().Compressed }

// IsContainer reports whether f is an archive or a compressed stream: its
// content is other files.
func (f Format) IsContainer() bool { return f.IsArchive() || f.IsCompressed() }

// HoldsPickle reports whether f is, or can carry, a pickle.
func (f Format) HoldsPickle() bool { return f.entry().HoldsPickle }

// The tests. Each says why it is as it is and what misleading input it
// keeps out.

// isZip: a local file header, or the end record that is all an empty
// archive holds. The whole four-byte signature is required, so text that
// starts with "PK" is not a zip. A zip with data prepended (a pickle/zip
// polyglot) starts with neither and is not recognised here: only the end
// of the file can show it (archive.FindZip).
func isZip(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// is7z: the six-byte signature; its non-ASCII bytes keep text that starts
// with "7z" out.
func is7z(head []byte) bool { return bytes.HasPrefix(head, []byte("7z\xbc\xaf\x27\x1c")) }

// isGzip: the two ID bytes and nothing more, the prefix joblib.load detects
// gzip by. A stream whose method byte is wrong is still taken for gzip, so
// it fails to open and is reported rather than passed over as
// unrecognised. No text or pickle starts with 0x1f.
func isGzip(head []byte) bool { return bytes.HasPrefix(head, []byte{0x1f, 0x8b}) }

// isBzip2: "BZh" and the block-size digit '1'-'9' the decompressor
// requires; text that merely starts with "BZh" is not taken for bzip2.
func isBzip2(head []byte) bool {
	return len(head) > 3 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9'
}

// isXZ: the six-byte stream header magic. Not to be confused with 7z's,
// which also spells "7z" but starts the file with it.
func isXZ(head []byte) bool { return bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")) }

// isTar: "ustar" at offset 257, which POSIX ("ustar\x0000") and GNU
// ("ustar  \x00") headers both carry, and pax archives too. A head shorter
// than 262 bytes is never a tar. Pre-POSIX tars without the magic are not
// recognised: nothing in the ML toolchain writes them, and their only test
// would be a header checksum that random data passes now and then. A tar
// whose first member name starts with the gzip, bzip2 or xz magic is taken
// for that stream (see the order above); it then fails to decompress and
// is reported as such, never passed over silently.
func isTar(head []byte) bool { return len(head) >= 262 && string(head[257:262]) == "ustar" }

// isZlib recognises a zlib stream (RFC 1950) strictly enough not to take
// text for one: zlib has no magic beyond "deflate, 32 KiB window" (0x78),
// and "x^", "x?" and "x}" pass the header check, so it also requires no
// preset dictionary and a first deflate block of a defined type.
func isZlib(head []byte) bool {
	if len(head) < 3 || head[0] != 0x78 {
		return false
	}
	flg := head[1]
	if (uint16(head[0])<<8|uint16(flg))%31 != 0 || flg&0x20 != 0 {
		return false
	}
	return (head[2]>>1)&3 != 3
}

// isLZMA recognises the legacy .lzma ("LZMA alone") header that Python's
// lzma.FORMAT_ALONE and joblib write: the default properties byte 0x5d and
// a dictionary size that is a power of two from 64 KiB to 1 GiB. The
// header has no magic, and 0x5d is also the pickle opcode EMPTY_LIST; no
// pickle starts with 0x5d 0x00 (EMPTY_LIST followed by no opcode), so the
// dictionary size keeps pickles out, and the 13-byte minimum keeps out
// short data. Known gap: joblib.load detects the stream by "\x5d\x00" alone
// and Python's decoder takes any dictionary size, so a hand-made stream
// with another size is not recognised.
func isLZMA(head []byte) bool {
	if len(head) < 13 || head[0] != 0x5d {
		return false
	}
	dict := uint32(head[1]) | uint32(head[2])<<8 | uint32(head[3])<<16 | uint32(head[4])<<24
	return dict >= 1<<16 && dict <= 1<<30 && dict&(dict-1) == 0
}

// isJoblibZF recognises joblib's pre-0.10 compressed format: a ZF header
// (see JoblibZFHeaderLen) followed by a zlib stream. Text that starts
// "ZF0x" is kept out by the exact header length and the zlib check.
func isJoblibZF(head []byte) bool {
	n := JoblibZFHeaderLen(head)
	return n > 0 && isZlib(head[n:])
}

// JoblibZFHeaderLen returns the length of the header of joblib's pre-0.10
// "ZF" compressed files, or 0 when head does not start with one: "ZF", the
// payload length as Python's hex() wrote it ("0x31f", with an "L" under
// Python 2), padded with spaces to 19 bytes (20 under Python 2). The zlib
// stream follows it.
func JoblibZFHeaderLen(head []byte) int {
	if !bytes.HasPrefix(head, []byte("ZF0x")) {
		return 0
	}
	i := 4
	for i < len(head) && i < 24 && (head[i] >= '0' && head[i] <= '9' || head[i] >= 'a' && head[i] <= 'f' || head[i] == 'L') {
		i++
	}
	for i < len(head) && i < 24 && head[i] == ' ' {
		i++
	}
	if i != 21 && i != 22 {
		return 0
	}
	return i
}

// isNPY: the six-byte magic "\x93NUMPY". 0x93 is neither text nor an
// opcode a pickle can start with, so no text or pickle is taken for it.
// Whether the array holds objects (a pickle) shows only in the header,
// which npy.ReadHeader parses.
func isNPY(head []byte) bool { return bytes.HasPrefix(head, []byte(npy.Magic)) }

// torchLegacyMagic is the first pickle of a legacy (non-zip) PyTorch file:
// PROTO 2, the LONG1 magic number 0x1950a86a20f9469cfc6c, STOP.
var torchLegacyMagic = []byte("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19\x2e")

// isTorchLegacy: the whole first pickle torch.save's legacy writer emits,
// through its STOP. The model scanner reads a file so recognised as torch.load
// does, only its first five stacked pickles, so the test is the exact bytes
// and not a prefix: an ordinary pickle that starts with a LONG1 stays a
// Pickle and is read to its end.
func isTorchLegacy(head []byte) bool { return bytes.HasPrefix(head, torchLegacyMagic) }

// isPickle: the PROTO opcode (0x80) and a protocol up to 5, the highest
// Python knows; pickle.load refuses a higher one, and binary data that
// happens to start with 0x80 rarely has the right second byte. PROTO 0 and
// PROTO 1 are included: no pickler writes them, but pickle.load accepts
// them, so a payload crafted with one must not pass as "unknown format".
func isPickle(head []byte) bool {
	return len(head) >= 2 && head[0] == 0x80 && head[1] <= 5
}

// isPickleNoProto: protocols 0 and 1 have no header at all, so the only
// test is whether the first few opcodes parse, which pickle.LooksLikePickle
// decides (the pickle package owns the opcode table). It is a guess: it
// keeps out most text ("# comment", "(((((", JSON), but some text passes.
// Hence it comes after every format with a real magic, the model scanner
// stays quiet when a guessed stream does not parse, and source.Refine does
// not use it to call a file a model.
func isPickleNoProto(head []byte) bool {
	return len(head) > 0 && head[0] != 0x80 && pickle.LooksLikePickle(head)
}

// maxSafetensorsHeader bounds the JSON header; safetensors itself refuses
// headers over 100 MB.
const maxSafetensorsHeader = 100 << 20

// isSafetensors: safetensors has no magic, only an 8-byte little-endian
// header length and the JSON header, which opens with '{'. Bounding the
// length (2 bytes for "{}" up to 100 MiB) rejects most binary data, whose
// high length bytes are rarely all zero, and the brace rejects the rest.
// Whether the header fits in the file needs the file's size: see
// SafetensorsFits.
func isSafetensors(head []byte) bool {
	if len(head) < 10 || head[8] != '{' {
		return false
	}
	n := binary.LittleEndian.Uint64(head)
	return n >= 2 && n <= maxSafetensorsHeader
}

// SafetensorsFits reports whether head is a safetensors header whose
// declared length fits in a file of size bytes (size < 0: unknown). A file
// whose header would run past its end is not a safetensors file, only data
// that happens to look like one.
func SafetensorsFits(head []byte, size int64) bool {
	if !isSafetensors(head) {
		return false
	}
	return size < 0 || int64(binary.LittleEndian.Uint64(head))+8 <= size
}

// isGGUF: the four-byte magic llama.cpp checks. Older GGML/GGJT files are
// recognised by name only.
func isGGUF(head []byte) bool { return bytes.HasPrefix(head, []byte("GGUF")) }

// isHDF5: the eight-byte signature, whose CR LF ^Z LF tail catches a file
// mangled by text-mode transfer. HDF5 allows the signature at 512, 1024…
// after a user block; h5py and Keras never write one, and only offset 0 is
// checked.
func isHDF5(head []byte) bool { return bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")) }

// The protobuf model formats have no magic: a protobuf starts with a field
// tag. Each test below requires the first fields the writers emit, with
// control bytes as tags (0x08, 0x0a, 0x12), so no text is taken for one,
// and no pickle: none of those bytes opens a pickle.

// isONNX: ir_version (field 1, varint) from 3 to 15 — every onnx and
// torch.onnx writer puts it first — followed by a ModelProto field:
// producer_name, producer_version, domain, model_version, doc_string,
// graph, opset_import or metadata_props.
func isONNX(head []byte) bool {
	if len(head) < 3 || head[0] != 0x08 || head[1] < 3 || head[1] > 15 {
		return false
	}
	switch head[2] {
	case 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72:
		return true
	}
	return false
}

// isTFSavedModel: saved_model_schema_version 1 (field 1), which
// TensorFlow always writes, then the first meta_graphs entry (field 2).
func isTFSavedModel(head []byte) bool { return bytes.HasPrefix(head, []byte("\x08\x01\x12")) }

// isTFGraphDef: a frozen GraphDef's first NodeDef (field 1) whose own
// first fields are its name (field 1, printable) and its op (field 2, a
// CamelCase op name such as "Placeholder" or "Const"). A text file that
// starts with a newline fails at the 0x12 tag.
func isTFGraphDef(head []byte) bool {
	if len(head) < 2 || head[0] != 0x0a {
		return false
	}
	i := 1
	for i < len(head) && i < 6 && head[i]&0x80 != 0 { // the node's length
		i++
	}
	i++
	if i+2 > len(head) || head[i] != 0x0a {
		return false
	}
	n := int(head[i+1])
	i += 2
	if n == 0 || n >= 0x80 || i+n+2 > len(head) {
		return false
	}
	for _, c := range head[i : i+n] {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	i += n
	if head[i] != 0x12 {
		return false
	}
	m := int(head[i+1])
	i += 2
	if m == 0 || m >= 0x80 || i+m > len(head) || head[i] < 'A' || head[i] > 'Z' {
		return false
	}
	for _, c := range head[i : i+m] {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
