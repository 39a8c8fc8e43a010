// Command picklegen writes a large, benign protocol-4 pickle for the
// pickle-scanner benchmark (bench/pickle_big.sh): a list of ints and
// memoized strings in APPENDS batches of 1000, framed as CPython frames
// them, with a large BINBYTES8 every 64 MiB. It never loads anything.
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"
)

func main() {
	out := flag.String("o", "/tmp/mlsec-big.pkl", "output file")
	size := flag.Int64("size", 1<<30, "approximate size in bytes")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var written, ops int64
	frame := make([]byte, 0, 70<<10)
	flush := func() {
		if len(frame) == 0 {
			return
		}
		var hdr [9]byte
		hdr[0] = 0x95 // FRAME
		binary.LittleEndian.PutUint64(hdr[1:], uint64(len(frame)))
		w.Write(hdr[:])
		w.Write(frame)
		written += int64(len(hdr) + len(frame))
		ops++
		frame = frame[:0]
	}
	w.Write([]byte{0x80, 4}) // PROTO 4
	written += 2
	ops++
	frame = append(frame, ']', 0x94) // EMPTY_LIST MEMOIZE
	ops += 2
	nextBlob := int64(64 << 20)
	var tmp [8]byte
	for i := 0; written < *size; i++ {
		frame = append(frame, '(')
		ops++
		for j := 0; j < 1000; j++ {
			n := i*1000 + j
			if j%2 == 0 {
				frame = append(frame, 'J')
				binary.LittleEndian.PutUint32(tmp[:], uint32(n))
				frame = append(frame, tmp[:4]...)
				ops++
			} else {
				s := "token_" + strconv.Itoa(n)
				frame = append(frame, 0x8c, byte(len(s)))
				frame = append(frame, s...)
				frame = append(frame, 0x94)
				ops += 2
			}
		}
		frame = append(frame, 'e') // APPENDS
		ops++
		if len(frame) >= 64<<10 {
			flush()
		}
		if written >= nextBlob {
			// A large object goes outside frames, as CPython writes it.
			flush()
			n := int64(32 << 20)
			w.WriteByte(0x8e) // BINBYTES8
			binary.LittleEndian.PutUint64(tmp[:], uint64(n))
			w.Write(tmp[:])
			zero := make([]byte, 1<<20)
			for k := int64(0); k < n; k += int64(len(zero)) {
				w.Write(zero)
			}
			frame = append(frame, 'a') // APPEND it to the list
			ops += 2
			written += 9 + n
			nextBlob += 64 << 20
		}
	}
	frame = append(frame, '.')
	ops++
	flush()
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f.Close()
	fmt.Printf("wrote %s: %d bytes, %d opcodes\n", *out, written, ops)
}
