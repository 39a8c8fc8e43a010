package pickle

//go:generate go run ./gen -o .

import (
	"sort"

	"github.com/mlsec/mlsec/internal/rule"
)

// The derived tier.
//
// The hand-written list in danger.go names the gadgets people have found.
// genDangerous (danger_gen.go) is derived instead: a generator reads the
// Python sources of the standard library and of the frameworks whose classes
// models carry, builds a call graph with the project's own Python parser,
// and lists every importable callable from which a sink (exec, a process, a
// native library, a file write, a socket, a second unpickle) is reached
// within a few calls while one of its arguments, or for a method the
// instance state BUILD sets, flows to it. The hand list stays the floor:
// a global on it keeps its entry; the derived tier only turns what would be
// an unknown global into a dangerous one, with the category and the call
// chain as the reason. The allowlists win over the derived tier, so a
// framework class listed as safe stays quiet.

// sinkCat is the kind of effect a derived entry reaches.
type sinkCat uint8

// Sink categories, as the generator numbers them.
const (
	sinkExec sinkCat = iota + 1
	sinkImport
	sinkProcess
	sinkNative
	sinkFileWrite
	sinkNetwork
	sinkSecondStage
)

// sinkRating is how a category is rated and said: what runs code or a
// program is critical; what reaches data, the network or another loader
// is high.
var sinkRating = [...]struct {
	name string
	sev  rule.Severity
	does string
}{
	sinkExec:        {"exec", rule.Critical, "runs Python code"},
	sinkImport:      {"import", rule.High, "imports a module named by its argument"},
	sinkProcess:     {"process", rule.Critical, "runs an operating-system command"},
	sinkNative:      {"native", rule.Critical, "loads a native library"},
	sinkFileWrite:   {"file-write", rule.High, "writes, moves or deletes files"},
	sinkNetwork:     {"network", rule.High, "opens a network connection"},
	sinkSecondStage: {"second-stage", rule.High, "unpickles a second payload the scanner never sees"},
}

// genEntry is one derived callable: its canonical "module.qualname", the
// category it reaches, and the calls that get there.
type genEntry struct {
	name  string
	cat   sinkCat
	chain string // "logging.config._install_handlers -> builtins.eval"
}

// lookupGen finds the derived entry for an exact canonical name.
func lookupGen(name string) (genEntry, bool) {
	i := sort.Search(len(genDangerous), func(i int) bool { return genDangerous[i].name >= name })
	if i < len(genDangerous) && genDangerous[i].name == name {
		return genDangerous[i], true
	}
	return genEntry{}, false
}

// derivedDanger rates a derived entry: the category's severity, a reason
// that names the category and the chain, and the category's name.
func derivedDanger(e genEntry) (danger, string) {
	r := sinkRating[e.cat]
	return danger{sev: r.sev, why: r.does + " (" + r.name + ": " + e.name + " -> " + e.chain + ", derived from the library's source)"}, r.name
}
