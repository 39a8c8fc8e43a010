package archive

import (
	"bufio"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxName bounds a member name as reported; longer names are cut.
const maxName = 512

// CleanName makes a member name safe to print: control characters and
// invalid UTF-8 become '?', and very long names are shortened. The result is
// only ever shown, never used as a file path.
func CleanName(s string) string {
	var b strings.Builder
	for i, r := range s {
		if b.Len() >= maxName {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") || r < 0x20 || r == 0x7f || unicode.Is(unicode.Cc, r) {
			b.WriteByte('?')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func newByteReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 32<<10) }
