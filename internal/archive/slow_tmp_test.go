package archive

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
	"time"
)

func TestSlowTmp(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	ss := seeds(t)
	for i := 0; i < 200000; i++ {
		b := bytes.Clone(ss[rng.Intn(len(ss))])
		for k := rng.Intn(4) + 1; k > 0; k-- {
			switch rng.Intn(3) {
			case 0:
				b[rng.Intn(len(b))] = byte(rng.Intn(256))
			case 1:
				j := rng.Intn(len(b))
				b = append(b[:j:j], b[min(len(b), j+rng.Intn(8)):]...)
			case 2:
				b[rng.Intn(len(b))] = 0xff
			}
			if len(b) == 0 {
				break
			}
		}
		start := time.Now()
		z, err := ReadZip(bytes.NewReader(b), int64(len(b)))
		d1 := time.Since(start)
		if err == nil {
			for _, e := range z.Entries {
				m, err := z.Open(e)
				if err != nil {
					continue
				}
				g := &Guard{R: m, In: func() int64 { return int64(e.CompressedSize) }, MaxRatio: 100, MinSize: 64 << 10, Budget: &Budget{Remaining: 1 << 20}}
				io.Copy(io.Discard, g)
			}
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			n := 0
			if z != nil {
				n = len(z.Entries)
			}
			t.Fatalf("slow input (%v, readzip %v, %d entries, len %d): %q", d, d1, n, len(b), b[:min(len(b), 200)])
		}
	}
}
