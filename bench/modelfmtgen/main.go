// Command modelfmtgen writes large sparse model files for the modelfmt
// benchmark: a safetensors file and an ONNX file of -gb GiB each whose
// tensor data is a hole, so they take no disk space and the scan must
// prove it never reads the data.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "", "directory to write to")
	gb := flag.Int64("gb", 5, "size of each file in GiB")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: modelfmtgen -out DIR [-gb N]")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	size := *gb << 30
	writeSafetensors(filepath.Join(*out, "big.safetensors"), size)
	writeONNX(filepath.Join(*out, "big.onnx"), size)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// writeSafetensors: 1,000 F32 tensors that share the data area evenly.
func writeSafetensors(path string, size int64) {
	const n = 1000
	per := (size / n) &^ 3
	hdr := []byte(`{"__metadata__":{"format":"pt"}`)
	for i := range int64(n) {
		hdr = fmt.Appendf(hdr, `,"layer.%d.weight":{"dtype":"F32","shape":[%d],"data_offsets":[%d,%d]}`, i, per/4, i*per, (i+1)*per)
	}
	hdr = append(hdr, '}')
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	var pre [8]byte
	binary.LittleEndian.PutUint64(pre[:], uint64(len(hdr)))
	f.Write(pre[:])
	f.Write(hdr)
	if err := f.Truncate(8 + int64(len(hdr)) + n*per); err != nil {
		fail(err)
	}
	f.Close()
}

func varint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func field(b []byte, num int, payload []byte) []byte {
	b = varint(b, uint64(num)<<3|2)
	b = varint(b, uint64(len(payload)))
	return append(b, payload...)
}

// writeONNX: a ModelProto whose graph holds one initializer with
// size bytes of raw_data (a hole), then a node after it, so the walk must
// skip the data to reach the node.
func writeONNX(path string, size int64) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	rawLen := uint64(size) &^ 3
	tensorHead := varint([]byte{0x08}, rawLen/4) // dims: one dimension of rawLen/4 floats
	tensorHead = append(tensorHead, 0x10, 0x01)  // data_type FLOAT
	tensorHead = append(tensorHead, field(nil, 8, []byte("W"))...)
	tensorHead = varint(append(tensorHead, 9<<3|2), rawLen) // raw_data tag and length; the data is the hole
	tensorLen := uint64(len(tensorHead)) + rawLen
	node := field(nil, 4, []byte("MatMul"))
	node = field(node, 1, []byte("X"))
	node = field(node, 1, []byte("W"))
	nodeField := field(nil, 1, node)
	graphInner := varint(append([]byte(nil), 5<<3|2), tensorLen) // initializer
	graphLen := uint64(len(graphInner)) + tensorLen + uint64(len(nodeField))
	head := []byte{0x08, 0x08}
	head = field(head, 2, []byte("modelfmtgen"))
	head = varint(append(head, 7<<3|2), graphLen)
	head = append(head, graphInner...)
	head = append(head, tensorHead...)
	f.Write(head)
	end := int64(len(head)) + int64(rawLen)
	if _, err := f.WriteAt(nodeField, end); err != nil {
		fail(err)
	}
	opset := field(nil, 8, append([]byte{0x10}, varint(nil, 17)...))
	if _, err := f.WriteAt(opset, end+int64(len(nodeField))); err != nil {
		fail(err)
	}
	f.Close()
}
