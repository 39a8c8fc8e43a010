package pickle

import (
	"encoding/binary"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

// Bypasses found in the red-team review. Every payload is bytes only.
func TestScanBypasses(t *testing.T) {
	crit, high := rule.Critical, rule.High
	cases := []struct {
		name string
		a    *asm
		want []want
	}{
		{
			// _codecs.encode is on the builtins allowlist; rot13 maps str to
			// str, so the loader imports os.system from names no scanner sees.
			name: "STACK_GLOBAL on names computed by an allowed call",
			a: newAsm().proto(4).
				stackGlobal("_codecs", "encode").sbu("bf").sbu("rot13").op(opTuple2, opReduce).
				stackGlobal("_codecs", "encode").sbu("flfgrz").sbu("rot13").op(opTuple2, opReduce).
				at("sg").op(opStackGlobal).call1("id").stop(),
			want: []want{{ClassDangerousGlobal, crit, "?.?", "sg"}},
		},
		{
			name: "STACK_GLOBAL on a memoized call result",
			a: newAsm().proto(4).
				stackGlobal("builtins", "str").call1("os").put(1).op(opPop).
				get(1).sbu("system").at("sg").op(opStackGlobal).call1("id").stop(),
			want: []want{{ClassDangerousGlobal, crit, "?.system", "sg"}},
		},
		{
			// Legacy torch.load returns data[0] of a ('module', …) persistent id.
			name: "STACK_GLOBAL on a persistent-load result",
			a: newAsm().proto(2).
				sbu("module").sbu("os").op(opNone, opTuple3, opBinPersID).sbu("system").
				at("sg").op(opStackGlobal).call1("id").stop(),
			want: []want{{ClassDangerousGlobal, crit, "?.system", "sg"}},
		},
		{
			// copyreg.add_extension registers a code; EXT then imports by number.
			name: "EXT code registered by copyreg.add_extension in the same stream",
			a: newAsm().proto(2).
				at("add").global("copyreg", "add_extension").sbu("os").sbu("system").int1(7).op(opTuple3, opReduce, opPop).
				at("ext").op(opExt1, 7).call1("id").stop(),
			want: []want{{ClassDangerousGlobal, high, "copyreg.add_extension", "add"}, {ClassDangerousGlobal, crit, "os.system", "ext"}},
		},
		{
			name: "abc.ABCMeta builds a class with a dunder namespace",
			a: newAsm().proto(4).
				sg("g", "abc", "ABCMeta").sbu("X").op(opEmptyTuple).op(opEmptyDict).sbu("__reduce__").op(opNone, opSetItem).
				op(opTuple3).at("call").op(opReduce).stop(),
			want: []want{{ClassUnknownGlobal, high, "abc.ABCMeta", "g"}, {ClassDynamicType, high, "abc.ABCMeta", "call"}},
		},
		{
			// pathlib imports io; pathlib.io.open is io.open.
			name: "attribute path through a dangerous module not in moduleObjects",
			a:    newAsm().proto(4).sg("g", "pathlib", "io.open").stop(),
			want: []want{{ClassDangerousGlobal, high, "pathlib.io.open", "g"}},
		},
		{
			name: "attribute path to torch.load through another module",
			a:    newAsm().proto(4).sg("g", "torch.nn.modules.module", "torch.load").stop(),
			want: []want{{ClassDangerousGlobal, crit, "torch.nn.modules.module.torch.load", "g"}},
		},
		{
			name: "torch helpers that run commands, exec or unpickle",
			a: newAsm().proto(4).
				sg("a", "torch.utils.collect_env", "run").op(opPop).
				sg("b", "torch.jit.unsupported_tensor_ops", "execWrapper").op(opPop).
				sg("c", "torch.utils.data.datapipes.utils.decoder", "basichandlers").op(opPop).
				sg("d", "torch._inductor.config", "load_config").op(opPop).
				sg("e", "torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression").op(opPop).
				sg("f", "torch.multiprocessing", "spawn").op(opPop).
				sg("g", "torch.ops", "load_library").op(opPop).
				sg("h", "torch.utils.model_zoo", "load_url").stop(),
			want: []want{
				{ClassDangerousGlobal, crit, "torch.utils.collect_env.run", "a"},
				{ClassDangerousGlobal, crit, "torch.jit.unsupported_tensor_ops.execWrapper", "b"},
				{ClassDangerousGlobal, crit, "torch.utils.data.datapipes.utils.decoder.basichandlers", "c"},
				{ClassDangerousGlobal, crit, "torch._inductor.config.load_config", "d"},
				{ClassDangerousGlobal, crit, "torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression", "e"},
				{ClassDangerousGlobal, crit, "torch.multiprocessing.spawn", "f"},
				{ClassDangerousGlobal, crit, "torch.ops.load_library", "g"},
				{ClassDangerousGlobal, crit, "torch.utils.model_zoo.load_url", "h"},
			},
		},
		{
			name: "stdlib and library callables that run code",
			a: newAsm().proto(4).
				sg("a", "_pyrepl.pager", "pipe_pager").op(opPop).
				sg("b", "test.support.script_helper", "assert_python_ok").op(opPop).
				sg("c", "logging.config", "dictConfig").op(opPop).
				sg("d", "builtins", "help").op(opPop).
				sg("e", "mako.template", "Template").op(opPop).
				sg("f", "pandas.compat.pickle_compat", "loads").op(opPop).
				sg("g", "numpy.testing._private.extbuild", "build_and_import_extension").stop(),
			want: []want{
				{ClassDangerousGlobal, crit, "_pyrepl.pager.pipe_pager", "a"},
				{ClassDangerousGlobal, crit, "test.support.script_helper.assert_python_ok", "b"},
				{ClassDangerousGlobal, crit, "logging.config.dictConfig", "c"},
				{ClassDangerousGlobal, crit, "builtins.help", "d"},
				{ClassDangerousGlobal, crit, "mako.template.Template", "e"},
				{ClassDangerousGlobal, crit, "pandas.compat.pickle_compat.loads", "f"},
				{ClassDangerousGlobal, crit, "numpy.testing._private.extbuild.build_and_import_extension", "g"},
			},
		},
		{
			name: "callables that write files or reach the network",
			a: newAsm().proto(4).
				sg("a", "numpy", "save").op(opPop).
				sg("b", "numpy", "memmap").op(opPop).
				sg("c", "torch", "save").op(opPop).
				sg("d", "zipfile", "ZipFile").op(opPop).
				sg("e", "pandas", "read_csv").op(opPop).
				sg("f", "site", "addpackage").op(opPop).
				sg("g", "transformers", "AutoModel.from_pretrained").stop(),
			want: []want{
				{ClassDangerousGlobal, high, "numpy.save", "a"},
				{ClassDangerousGlobal, high, "numpy.memmap", "b"},
				{ClassDangerousGlobal, high, "torch.save", "c"},
				{ClassDangerousGlobal, high, "zipfile.ZipFile", "d"},
				{ClassDangerousGlobal, high, "pandas.read_csv", "e"},
				{ClassDangerousGlobal, high, "site.addpackage", "f"},
				{ClassDangerousGlobal, high, "transformers.AutoModel.from_pretrained", "g"},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := scanBytes(c.a.bytes(), Options{})
			checkIssues(t, res, c.a, c.want)
		})
	}
}

// TestStopInsideFrame: a pickle whose STOP comes before the end of its
// FRAME. pickle.load on a stream without peek() (io.BytesIO, as used for
// downloaded bytes) resumes the next load at the frame end; on a buffered
// file it resumes right after STOP. Here the bytes after STOP open a long
// string that swallows the real second pickle when read sequentially.
func TestStopInsideFrame(t *testing.T) {
	second := newAsm().proto(4).global("os", "system").call1("id").stop().bytes()
	// First pickle: FRAME, None, STOP, then (inside the frame) the start of
	// a decoy pickle whose BINUNICODE8 runs over the frame end and the real one.
	first := newAsm().proto(4)
	decoy := []byte{opProto, 4, opBinUnicode8}
	decoy = binary.LittleEndian.AppendUint64(decoy, uint64(len(second)))
	body := append([]byte{opNone, opStop}, decoy...)
	first.frame(uint64(len(body)))
	first.op(body...)
	a := newAsm().op(first.bytes()...)
	a.at("g").op(second...).op(opStop)
	res := scanBytes(a.bytes(), Options{})
	found := false
	for _, is := range res.Issues {
		if is.Class == ClassDangerousGlobal && is.Name == "system" && is.Severity == rule.Critical {
			found = true
		}
	}
	if !found {
		for _, is := range res.Issues {
			t.Logf("%+v", is)
		}
		t.Fatalf("os.system after the frame end was not reported")
	}
}

// TestReviewNegatives: names next to the new entries that real checkpoints
// carry stay unknown (medium), not dangerous.
func TestReviewNegatives(t *testing.T) {
	for _, n := range [][2]string{
		{"torch.distributed.tensor", "DTensor"},
		{"torch.distributed._shard.sharded_tensor.api", "ShardedTensor"},
		{"acme.layers", "os_utils.Helper"},         // an attribute merely named like a module root
		{"acme.layers", "torch.Size"},              // a module root, but torch.Size is harmless
		{"transformers.models.bert", "BertConfig"}, // a config class, not a loader method
		{"acme.layers", "from_pretrained"},         // a module-level function, not a class method
	} {
		a := newAsm().proto(4).sg("g", n[0], n[1]).stop()
		checkIssues(t, scanBytes(a.bytes(), Options{}), a, []want{{ClassUnknownGlobal, rule.Medium, n[0] + "." + n[1], "g"}})
	}
	// A three-argument metaclass call with a plain namespace is not a
	// gadget, but an unknown callable given a string is high by its shape.
	a := newAsm().proto(4).sg("g", "abc", "ABCMeta").sbu("X").op(opEmptyTuple, opEmptyDict).sbu("x").op(opNone, opSetItem, opTuple3, opReduce).stop()
	checkIssues(t, scanBytes(a.bytes(), Options{}), a, []want{{ClassUnknownGlobal, rule.High, "abc.ABCMeta", "g"}})
	// EXT with an unregistered code stays unknown.
	a = newAsm().proto(2).at("e").op(opExt1, 9).stop()
	checkIssues(t, scanBytes(a.bytes(), Options{}), a, []want{{ClassUnknownGlobal, rule.Medium, "ext:9", "e"}})
}
