package archive

import (
	"fmt"
	"io"
)

// LimitError says a decompression limit was reached: the rest of the member
// was not read, so the scan of it is inconclusive.
type LimitError struct{ Reason string }

func (e *LimitError) Error() string { return e.Reason }

// Budget is the total number of uncompressed bytes one scan may inflate,
// shared by every nested member.
type Budget struct{ Remaining int64 }

// Counter counts the bytes read through it (compressed input, typically).
type Counter struct {
	R io.Reader
	N int64
}

// Read reads and counts.
func (c *Counter) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// Guard stops a decompressing stream that inflates past the budget or whose
// ratio of output to input marks it as a decompression bomb.
type Guard struct {
	R        io.Reader
	In       func() int64 // compressed bytes behind the output so far (or in total)
	Budget   *Budget      // nil: no total limit
	MaxRatio int64        // e.g. 100 for 100:1
	MinSize  int64        // the ratio is only checked past this much output
	n        int64
}

// Read reads and checks the limits.
func (g *Guard) Read(p []byte) (int, error) {
	n, err := g.R.Read(p)
	g.n += int64(n)
	if g.Budget != nil {
		g.Budget.Remaining -= int64(n)
		if g.Budget.Remaining < 0 {
			return n, &LimitError{Reason: "the scan's limit on total uncompressed bytes was reached"}
		}
	}
	if g.MaxRatio > 0 && g.n > g.MinSize {
		in := max(g.In(), 1)
		if g.n/in > g.MaxRatio {
			return n, &LimitError{Reason: fmt.Sprintf("compression ratio over %d:1 after %d bytes (decompression bomb)", g.MaxRatio, g.n)}
		}
	}
	return n, err
}
