package pickle

import (
	"bytes"
	"context"
	"encoding/binary"
	"strconv"
	"testing"
)

// benchPickle builds a protocol-4 pickle of about n opcodes the way the
// CPython pickler writes a big list: APPENDS batches of 1000 mixing ints and
// memoized strings, plus an occasional bytes object.
func benchPickle(n int) []byte {
	var b bytes.Buffer
	b.Write([]byte{opProto, 4, opEmptyList, opMemoize})
	ops := 2
	var tmp [8]byte
	for i := 0; ops < n; i++ {
		b.WriteByte(opMark)
		ops++
		for j := 0; j < 1000 && ops < n; j++ {
			switch j % 4 {
			case 0, 1:
				b.WriteByte(opBinInt)
				binary.LittleEndian.PutUint32(tmp[:], uint32(i*1000+j))
				b.Write(tmp[:4])
				ops++
			case 2:
				s := "token_" + strconv.Itoa(i*1000+j)
				b.WriteByte(opShortBinUnicode)
				b.WriteByte(byte(len(s)))
				b.WriteString(s)
				b.WriteByte(opMemoize)
				ops += 2
			case 3:
				b.WriteByte(opShortBinBytes)
				b.WriteByte(16)
				b.Write(make([]byte, 16))
				ops++
			}
		}
		b.WriteByte(opAppends)
		ops++
	}
	b.WriteByte(opStop)
	return b.Bytes()
}

func BenchmarkScan(b *testing.B) {
	data := benchPickle(1 << 20)
	var ops int64
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := Scan(context.Background(), bytes.NewReader(data), Options{})
		if res.Incomplete != nil || len(res.Issues) != 0 {
			b.Fatalf("unexpected result: %v %v", res.Incomplete, res.Issues)
		}
		ops = res.Opcodes
	}
	b.StopTimer()
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(ops)
	b.ReportMetric(perOp, "ns/opcode")
	b.ReportMetric(1e9/perOp, "opcodes/s")
}
