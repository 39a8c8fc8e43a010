// Package savedmodel lists the operations of a TensorFlow SavedModel
// (saved_model.pb) or a frozen GraphDef (.pb), decoded field by field
// with protowire — no generated TensorFlow code — through pbread, so a
// large graph constant is skipped by offset, not read. Every node of every
// meta graph and of every function in the graph's library is visited.
package savedmodel

import (
	"io"
	"maps"
	"slices"

	"github.com/mlsec/mlsec/internal/pbread"
)

// MaxFields bounds the protobuf fields visited.
const MaxFields = 20_000_000

// Op is one operation type and where it was first met.
type Op struct {
	Op       string
	Node     string // name of the first node using it
	Function string // the library function it is in, "" for the top-level graph
	Count    int
	Offset   int64 // of the first node's NodeDef in the file
}

// Graph is the result.
type Graph struct {
	Ops   map[string]*Op
	Nodes int
}

// Sorted returns the ops by name.
func (g *Graph) Sorted() []*Op {
	var out []*Op
	for _, k := range slices.Sorted(maps.Keys(g.Ops)) {
		out = append(out, g.Ops[k])
	}
	return out
}

// Field numbers from tensorflow/core/protobuf/saved_model.proto,
// meta_graph.proto, framework/graph.proto, node_def.proto, function.proto
// and op_def.proto.
const (
	savedModelMetaGraphs = 2
	metaGraphGraphDef    = 2
	graphNode            = 1
	graphLibrary         = 2
	libraryFunction      = 1
	functionSignature    = 1
	functionNodeDef      = 3
	opDefName            = 1
	nodeName             = 1
	nodeOp               = 2
	maxName              = 1024
)

// ReadSavedModel reads a saved_model.pb of size bytes.
func ReadSavedModel(r io.ReaderAt, size int64) (*Graph, error) {
	p := &parser{pb: pbread.New(r, size, MaxFields), g: &Graph{Ops: map[string]*Op{}}}
	err := p.pb.Walk(0, size, func(f pbread.Field) error {
		if f.Num != savedModelMetaGraphs || f.Type != 2 {
			return nil
		}
		return p.pb.Walk(f.Off, f.Off+f.Len, func(m pbread.Field) error {
			if m.Num == metaGraphGraphDef && m.Type == 2 {
				return p.graph(m.Off, m.Off+m.Len)
			}
			return nil
		})
	})
	return p.g, err
}

// ReadGraphDef reads a frozen GraphDef of size bytes.
func ReadGraphDef(r io.ReaderAt, size int64) (*Graph, error) {
	p := &parser{pb: pbread.New(r, size, MaxFields), g: &Graph{Ops: map[string]*Op{}}}
	return p.g, p.graph(0, size)
}

type parser struct {
	pb *pbread.Reader
	g  *Graph
}

func (p *parser) graph(off, end int64) error {
	return p.pb.Walk(off, end, func(f pbread.Field) error {
		if f.Type != 2 {
			return nil
		}
		switch f.Num {
		case graphNode:
			return p.node(f, "")
		case graphLibrary:
			return p.pb.Walk(f.Off, f.Off+f.Len, func(l pbread.Field) error {
				if l.Num == libraryFunction && l.Type == 2 {
					return p.function(l)
				}
				return nil
			})
		}
		return nil
	})
}

func (p *parser) function(fn pbread.Field) error {
	name := ""
	var nodes []pbread.Field
	err := p.pb.Walk(fn.Off, fn.Off+fn.Len, func(f pbread.Field) error {
		if f.Type != 2 {
			return nil
		}
		switch f.Num {
		case functionSignature:
			return p.pb.Walk(f.Off, f.Off+f.Len, func(s pbread.Field) error {
				if s.Num == opDefName && s.Type == 2 {
					name = p.pb.String(s, maxName)
				}
				return nil
			})
		case functionNodeDef:
			nodes = append(nodes, f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := p.node(n, name); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) node(n pbread.Field, fn string) error {
	var name, op string
	err := p.pb.Walk(n.Off, n.Off+n.Len, func(f pbread.Field) error {
		if f.Type != 2 {
			return nil
		}
		switch f.Num {
		case nodeName:
			name = p.pb.String(f, maxName)
		case nodeOp:
			op = p.pb.String(f, maxName)
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.g.Nodes++
	if o := p.g.Ops[op]; o != nil {
		o.Count++
	} else {
		p.g.Ops[op] = &Op{Op: op, Node: name, Function: fn, Count: 1, Offset: n.Off}
	}
	return nil
}

// Danger classifies an op type.
type Danger struct {
	Critical bool
	What     string
}

// Dangerous maps the op types that reach outside the graph — files,
// Python, processes, the network — to what they do. Save/Restore ops are
// absent on purpose: every SavedModel has them for its checkpoint.
var Dangerous = map[string]Danger{
	"PyFunc":                        {true, "calls a Python function"},
	"PyFuncStateless":               {true, "calls a Python function"},
	"EagerPyFunc":                   {true, "calls a Python function"},
	"WriteFile":                     {false, "writes a file"},
	"ReadFile":                      {false, "reads a file"},
	"MatchingFiles":                 {false, "lists files by glob"},
	"WholeFileReader":               {false, "reads whole files"},
	"WholeFileReaderV2":             {false, "reads whole files"},
	"ImmutableConst":                {false, "memory-maps a file"},
	"DebugIdentity":                 {false, "sends tensors to debug URLs (file:// or grpc://)"},
	"DebugIdentityV2":               {false, "writes tensors to a debug dump directory"},
	"DebugIdentityV3":               {false, "sends tensors to debug URLs (file:// or grpc://)"},
	"DecodeProtoV2":                 {false, "loads a descriptor from a local file path"},
	"LoadAndRemapMatrix":            {false, "reads a checkpoint from a path"},
	"FileSystemSetConfiguration":    {false, "reconfigures a file system"},
	"WriteAudioSummary":             {false, "writes summary files"},
	"CreateSummaryFileWriter":       {false, "creates a file writer"},
	"SaveDataset":                   {false, "writes a dataset to a path"},
	"SaveDatasetV2":                 {false, "writes a dataset to a path"},
	"DatasetToTFRecord":             {false, "writes TFRecord files"},
	"ExperimentalDatasetToTFRecord": {false, "writes TFRecord files"},
}
