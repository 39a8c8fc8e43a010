package archive

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"

	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// joblibZFHeader returns the length of the header of joblib's pre-0.10
// "ZF" compressed files, or 0 when head is not one: "ZF", the payload length
// as Python's hex() wrote it ("0x31f", with an "L" under Python 2), padded
// with spaces to 19 bytes (20 under Python 2), then a zlib stream.
func joblibZFHeader(head []byte) int {
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

// IsStream reports whether f is a single compressed stream (as opposed to
// an archive of members).
func (f Format) IsStream() bool {
	switch f {
	case FormatGzip, FormatBzip2, FormatXZ, FormatZlib, FormatLZMA, FormatJoblibZF:
		return true
	}
	return false
}

// Decompress opens the compressed stream r of format f, which must be a
// stream format. name is the original file name when the format records one
// (gzip), else "". Callers wrap the result in a Guard: nothing here limits
// how much it inflates.
func Decompress(f Format, r io.Reader) (out io.Reader, name string, err error) {
	switch f {
	case FormatGzip:
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, "", err
		}
		return gz, gz.Name, nil
	case FormatBzip2:
		return bzip2.NewReader(r), "", nil
	case FormatXZ:
		x, err := xz.NewReader(r)
		return x, "", err
	case FormatZlib:
		z, err := zlib.NewReader(r)
		return z, "", err
	case FormatLZMA:
		l, err := lzma.NewReader(r)
		return l, "", err
	case FormatJoblibZF:
		br := bufio.NewReader(r)
		head, _ := br.Peek(24)
		n := joblibZFHeader(head)
		if n == 0 {
			return nil, "", fmt.Errorf("not a joblib ZF header")
		}
		if _, err := br.Discard(n); err != nil {
			return nil, "", err
		}
		z, err := zlib.NewReader(br)
		return z, "", err
	}
	return nil, "", fmt.Errorf("%s is not a compressed stream format", f)
}

// isZlib recognises a zlib stream (RFC 1950) strictly enough not to take
// text for one: deflate with a 32 KiB window, a valid header check, no
// preset dictionary, and a first deflate block of a defined type.
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
// lzma.FORMAT_ALONE and joblib write: the default properties byte 0x5d and a
// dictionary size that is a power of two from 64 KiB to 1 GiB. No pickle
// starts with 0x5d 0x00: that would be EMPTY_LIST followed by no opcode.
func isLZMA(head []byte) bool {
	if len(head) < 13 || head[0] != 0x5d {
		return false
	}
	dict := uint32(head[1]) | uint32(head[2])<<8 | uint32(head[3])<<16 | uint32(head[4])<<24
	return dict >= 1<<16 && dict <= 1<<30 && dict&(dict-1) == 0
}

// isJoblibZF recognises joblib's pre-0.10 compressed format.
func isJoblibZF(head []byte) bool {
	n := joblibZFHeader(head)
	return n > 0 && isZlib(head[n:])
}
