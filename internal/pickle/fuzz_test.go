package pickle

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzScan(f *testing.F) {
	files, _ := filepath.Glob("testdata/benign/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	seeds := []*asm{
		newAsm().global("os", "system").op(opMark).str0("id").op(opTuple, opReduce).stop(),
		newAsm().proto(4).sbu("os").op(opMemoize).sbu("system").op(opMemoize, opStackGlobal).call1("id").stop(),
		newAsm().proto(4).frame(12).sg("g", "random", "_os.system").stop(),
		newAsm().proto(4).sg("g", "builtins", "type").sbu("X").op(opEmptyTuple, opEmptyDict).sbu("__init__").op(opNone, opSetItem, opTuple3, opReduce).stop(),
		newAsm().proto(2).op(opMark).global("os", "system").str0("id").op(opObj).op(opExt1, 3).op(opPersID).op([]byte("x\n")...).stop(),
		newAsm().proto(4).sg("g", "builtins", "getattr").sg("h", "builtins", "__import__").call1("os").sbu("system").op(opTuple2, opReduce).call1("id").stop(),
		newAsm().str0(`a\x41\n\'`).op(opUnicode).op([]byte(`\u0041b\n`)...).putText(1).getText(1).op(opStackGlobal).stop(),
	}
	for _, s := range seeds {
		f.Add(s.bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opts := range []Options{{}, {MaxStack: 16, MaxMemo: 8}} {
			res := scanBytes(b, opts)
			bad := false
			for _, is := range res.Issues {
				if is.Offset < 0 || is.Offset > int64(len(b)) {
					t.Fatalf("offset %d outside the %d-byte input: %+v", is.Offset, len(b), is)
				}
				if is.Class == ClassMalformed || is.Class == ClassLimit {
					bad = true
				}
				if is.Message == "" {
					t.Fatalf("issue without message: %+v", is)
				}
			}
			if bad != (res.Incomplete != nil) {
				t.Fatalf("Incomplete = %v but malformed/limit issue present = %v", res.Incomplete, bad)
			}
			if res.End > int64(len(b)) {
				t.Fatalf("End %d beyond input", res.End)
			}
			_ = LooksLikePickle(b)
		}
	})
}
