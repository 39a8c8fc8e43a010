package archive

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"

	"github.com/mlsec/mlsec/internal/format"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Decompress opens the compressed stream r of format f, which must be a
// compressed format (f.IsCompressed(); format.Sniff tells which). name is
// the original file name when the format records one (gzip), else "".
// Callers wrap the result in a Guard: nothing here limits how much it
// inflates.
func Decompress(f format.Format, r io.Reader) (out io.Reader, name string, err error) {
	switch f {
	case format.Gzip:
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, "", err
		}
		return gz, gz.Name, nil
	case format.Bzip2:
		return bzip2.NewReader(r), "", nil
	case format.XZ:
		x, err := xz.NewReader(r)
		return x, "", err
	case format.Zlib:
		z, err := zlib.NewReader(r)
		return z, "", err
	case format.LZMA:
		l, err := lzma.NewReader(r)
		return l, "", err
	case format.JoblibZF:
		br := bufio.NewReader(r)
		head, _ := br.Peek(24)
		n := format.JoblibZFHeaderLen(head)
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
