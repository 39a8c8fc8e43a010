// Package onnx reads what matters for security from an ONNX model file
// (a ModelProto) without loading it or its tensors: the operator set
// domains and every node's domain, including the nodes of subgraphs (If,
// Loop, Scan) and functions; every tensor's external_data location; and
// the model's metadata_props. Field numbers are those of onnx.proto3.
package onnx

import (
	"errors"
	"fmt"
	"io"
	"math/bits"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlsec/mlsec/internal/pbread"
)

// Budgets bound a hostile file's work.
const (
	MaxFields   = 20_000_000 // protobuf fields visited
	maxDepth    = 16         // nested subgraphs
	maxString   = 4096       // bytes kept of a name, domain or location
	maxMetaText = 64 << 10   // bytes kept of a metadata value
)

// External is a tensor whose data lives in another file.
type External struct {
	Tensor   string
	Location string
	Offset   int64 // of the TensorProto in the model file
}

// BadTensor is a tensor whose raw_data length disagrees with its dims and
// data type: the reader would read past it or leave bytes unexplained.
type BadTensor struct {
	Tensor string
	Offset int64
	Msg    string
}

// Model is what was read.
type Model struct {
	IRVersion    uint64
	Producer     string
	Domains      map[string]int // domain -> nodes using it ("" is the default domain)
	OpsetDomains []string
	Externals    []External
	BadTensors   []BadTensor
	Metadata     map[string]string
	Nodes        int
	// LocalDomains are the domains of functions the model defines itself:
	// nodes in them call those functions, not native custom operators.
	LocalDomains map[string]bool
}

// Field numbers.
const (
	modelIRVersion   = 1
	modelProducer    = 2
	modelGraph       = 7
	modelOpset       = 8
	modelMetadata    = 14
	modelFunctions   = 25
	graphNode        = 1
	graphInitializer = 5
	graphSparseInit  = 15
	nodeOpType       = 4
	nodeAttribute    = 5
	nodeDomain       = 7
	attrT            = 5
	attrG            = 6
	attrTensors      = 10
	attrGraphs       = 11
	tensorName       = 8
	tensorDims       = 1
	tensorDataType   = 2
	tensorRawData    = 9
	tensorExternal   = 13
	sparseValues     = 1
	sparseIndices    = 2
	funcNode         = 7
	funcOpset        = 9
	funcDomain       = 10
	opsetDomain      = 1
	entryKey         = 1
	entryValue       = 2
)

// Read walks a ModelProto file of size bytes.
func Read(r io.ReaderAt, size int64) (*Model, error) {
	p := &parser{pb: pbread.New(r, size, MaxFields), m: &Model{Domains: map[string]int{}, Metadata: map[string]string{}, LocalDomains: map[string]bool{}}}
	err := p.pb.Walk(0, size, func(f pbread.Field) error {
		switch f.Num {
		case modelIRVersion:
			p.m.IRVersion = f.Varint
		case modelProducer:
			p.m.Producer = p.pb.String(f, maxString)
		case modelGraph:
			return p.graph(f, 0)
		case modelOpset:
			d, err := p.opset(f)
			p.m.OpsetDomains = append(p.m.OpsetDomains, d)
			return err
		case modelMetadata:
			k, v, err := p.entry(f, maxMetaText)
			p.m.Metadata[k] = v
			return err
		case modelFunctions:
			return p.function(f)
		}
		return nil
	})
	if err == nil && p.m.IRVersion == 0 && p.m.Nodes == 0 && len(p.m.OpsetDomains) == 0 {
		err = errors.New("no ONNX model fields (ir_version, graph, opset_import) found")
	}
	return p.m, err
}

type parser struct {
	pb *pbread.Reader
	m  *Model
}

func bytesField(f pbread.Field) bool { return f.Type == 2 }

func (p *parser) graph(g pbread.Field, depth int) error {
	if !bytesField(g) {
		return nil
	}
	if depth > maxDepth {
		return &pbread.Error{Off: g.Off, Msg: "subgraphs nested too deep"}
	}
	return p.pb.Walk(g.Off, g.Off+g.Len, func(f pbread.Field) error {
		switch f.Num {
		case graphNode:
			return p.node(f, depth)
		case graphInitializer:
			return p.tensor(f)
		case graphSparseInit:
			if bytesField(f) {
				return p.pb.Walk(f.Off, f.Off+f.Len, func(s pbread.Field) error {
					if s.Num == sparseValues || s.Num == sparseIndices {
						return p.tensor(s)
					}
					return nil
				})
			}
		}
		return nil
	})
}

func (p *parser) node(n pbread.Field, depth int) error {
	if !bytesField(n) {
		return nil
	}
	p.m.Nodes++
	domain := ""
	err := p.pb.Walk(n.Off, n.Off+n.Len, func(f pbread.Field) error {
		switch f.Num {
		case nodeDomain:
			domain = p.pb.String(f, maxString)
		case nodeAttribute:
			if !bytesField(f) {
				return nil
			}
			return p.pb.Walk(f.Off, f.Off+f.Len, func(a pbread.Field) error {
				switch a.Num {
				case attrG, attrGraphs:
					return p.graph(a, depth+1)
				case attrT, attrTensors:
					return p.tensor(a)
				}
				return nil
			})
		}
		return nil
	})
	p.m.Domains[domain]++
	return err
}

func (p *parser) tensor(t pbread.Field) error {
	if !bytesField(t) {
		return nil
	}
	name := ""
	var ext []string
	var dims []uint64
	var dtype uint64
	raw := int64(-1)
	err := p.pb.Walk(t.Off, t.Off+t.Len, func(f pbread.Field) error {
		switch f.Num {
		case tensorDims:
			if f.Type == 0 {
				dims = append(dims, f.Varint)
			} else if bytesField(f) && len(dims) < 64 {
				b := p.pb.Bytes(f, 64*10)
				for len(b) > 0 && len(dims) < 64 {
					v, n := protowire.ConsumeVarint(b)
					if n < 0 {
						break
					}
					dims, b = append(dims, v), b[n:]
				}
			}
		case tensorDataType:
			dtype = f.Varint
		case tensorRawData:
			if bytesField(f) {
				raw = f.Len
			}
		case tensorName:
			name = p.pb.String(f, maxString)
		case tensorExternal:
			k, v, err := p.entry(f, maxString)
			if k == "location" {
				ext = append(ext, v)
			}
			return err
		}
		return nil
	})
	if raw >= 0 && len(ext) == 0 {
		if msg := checkRaw(dims, dtype, raw); msg != "" {
			p.m.BadTensors = append(p.m.BadTensors, BadTensor{Tensor: name, Offset: t.Off, Msg: msg})
		}
	}
	for _, loc := range ext {
		p.m.Externals = append(p.m.Externals, External{Tensor: name, Location: loc, Offset: t.Off})
	}
	return err
}

func (p *parser) function(fn pbread.Field) error {
	if !bytesField(fn) {
		return nil
	}
	return p.pb.Walk(fn.Off, fn.Off+fn.Len, func(f pbread.Field) error {
		switch f.Num {
		case funcNode:
			return p.node(f, 1)
		case funcDomain:
			if bytesField(f) {
				p.m.LocalDomains[p.pb.String(f, maxString)] = true
			}
		case funcOpset:
			d, err := p.opset(f)
			p.m.OpsetDomains = append(p.m.OpsetDomains, d)
			return err
		}
		return nil
	})
}

func (p *parser) opset(o pbread.Field) (string, error) {
	d := ""
	if !bytesField(o) {
		return d, nil
	}
	err := p.pb.Walk(o.Off, o.Off+o.Len, func(f pbread.Field) error {
		if f.Num == opsetDomain && bytesField(f) {
			d = p.pb.String(f, maxString)
		}
		return nil
	})
	return d, err
}

func (p *parser) entry(e pbread.Field, max int) (k, v string, err error) {
	if !bytesField(e) {
		return "", "", nil
	}
	err = p.pb.Walk(e.Off, e.Off+e.Len, func(f pbread.Field) error {
		if !bytesField(f) {
			return nil
		}
		switch f.Num {
		case entryKey:
			k = p.pb.String(f, maxString)
		case entryValue:
			v = p.pb.String(f, max)
		}
		return nil
	})
	return k, v, err
}

// elemBits is the width of each fixed-size ONNX data type, in bits.
var elemBits = map[uint64]uint64{
	1: 32, 2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 9: 8, 10: 16, 11: 64, 12: 32, 13: 64,
	14: 64, 15: 128, 16: 16, 17: 8, 18: 8, 19: 8, 20: 8, 21: 4, 22: 4, 23: 4, 24: 8, 25: 4,
}

// checkRaw compares raw_data's length with what dims and the data type
// need; strings and unknown types are not checked.
func checkRaw(dims []uint64, dtype uint64, raw int64) string {
	bitsPer, ok := elemBits[dtype]
	if !ok {
		return ""
	}
	n := uint64(1)
	for _, d := range dims {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 {
			return "dims overflow: element count past 2^64"
		}
		n = lo
	}
	hi, total := bits.Mul64(n, bitsPer)
	if hi != 0 {
		return "dims overflow: byte size past 2^64"
	}
	if want := (total + 7) / 8; want != uint64(raw) {
		return fmt.Sprintf("dims %v of data type %d need %d bytes, raw_data holds %d", dims, dtype, want, raw)
	}
	return ""
}

// StandardDomain reports whether an operator domain is ONNX's own or one
// that ONNX Runtime ships built in; any other needs a custom operator
// library registered by the loader, i.e. native code.
func StandardDomain(d string) bool {
	switch d {
	case "", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "ai.onnx.preview",
		"com.microsoft", "com.microsoft.nchwc", "com.microsoft.experimental", "com.ms.internal.nhwc", "org.pytorch.aten", "com.microsoft.dml":
		return true
	}
	return false
}
