package pickle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

func TestScanMalformed(t *testing.T) {
	crit, med := rule.Critical, rule.Medium
	// A frame that ends one byte into the argument of the string that
	// follows it: the SHORT_BINUNICODE crosses the frame boundary.
	frame := newAsm().proto(4)
	body := newAsm().sbu("os").sbu("system")
	frame.frame(uint64(len(body.b) + 2)).op(body.b...).at("x").sbu("id").at("g").op(opStackGlobal)
	frame.op(opPop).stop()
	// Fix label g: STACK_GLOBAL comes after "id"; the global is os.system? No: it pops "system" and "id".
	cases := []struct {
		name string
		a    *asm
		want []want
	}{
		{
			name: "truncated after a payload",
			a:    newAsm().proto(4).sg("g", "os", "system").sbu("id").op(opTuple1, opReduce).op(opShortBinUnicode, 50, 'a').at("end"),
			want: []want{{ClassDangerousGlobal, crit, "os.system", "g"}, {ClassMalformed, med, "", "end"}},
		},
		{
			name: "invalid opcode after a payload",
			a:    newAsm().proto(2).at("g").global("os", "system").at("bad").op(0xff).stop(),
			want: []want{{ClassDangerousGlobal, crit, "os.system", "g"}, {ClassMalformed, med, "", "bad"}},
		},
		{
			name: "no STOP",
			a:    newAsm().proto(2).int1(1).at("end"),
			want: []want{{ClassMalformed, med, "", "end"}},
		},
		{
			name: "empty stream",
			a:    newAsm().at("end"),
			want: []want{{ClassMalformed, med, "", "end"}},
		},
		{
			name: "opcode crossing a frame boundary",
			a:    frame,
			want: []want{{ClassMalformed, med, "", "x"}, {ClassUnknownGlobal, med, "system.id", "g"}},
		},
		{
			name: "new frame inside a frame",
			a:    newAsm().proto(4).frame(20).at("f").frame(5).sbu("os").at("x").sbu("system").at("g").op(opStackGlobal).stop(),
			want: []want{{ClassMalformed, med, "", "f"}, {ClassMalformed, med, "", "x"}, {ClassDangerousGlobal, crit, "os.system", "g"}},
		},
		{
			name: "STACK_GLOBAL fed with bytes",
			a:    newAsm().proto(4).op(opShortBinBytes, 2, 'o', 's').sbu("system").at("g").op(opStackGlobal).stop(),
			want: []want{{ClassMalformed, med, "", "g"}},
		},
		{
			name: "stack underflow keeps scanning",
			a:    newAsm().proto(2).at("u").op(opReduce).op(opPop).at("g").global("os", "system").stop(),
			want: []want{{ClassMalformed, med, "", "u"}, {ClassDangerousGlobal, crit, "os.system", "g"}},
		},
		{
			name: "undefined memo key",
			a:    newAsm().proto(2).at("m").get(9).stop(),
			want: []want{{ClassMalformed, med, "", "m"}},
		},
		{
			name: "trailing junk after STOP",
			a:    newAsm().proto(2).int1(1).stop().at("j").op(0xfe, 0xfe),
			want: []want{{ClassMalformed, med, "", "j"}},
		},
		{
			name: "padding then junk",
			a:    newAsm().proto(2).int1(1).stop().op(0, 0, 0).at("j").op('x'),
			want: []want{{ClassMalformed, med, "", "j"}},
		},
		{
			name: "unsupported protocol",
			a:    newAsm().at("p").proto(9).int1(1).stop(),
			want: []want{{ClassMalformed, med, "", "p"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := scanBytes(tc.a.bytes(), Options{})
			checkIssues(t, res, tc.a, tc.want)
			if res.Incomplete == nil {
				t.Error("Incomplete = nil for a malformed stream")
			}
		})
	}
}

func TestScanPaddingIsClean(t *testing.T) {
	b := newAsm().proto(2).int1(1).stop().op(0, 0, '\n', ' ').bytes()
	res := scanBytes(b, Options{})
	if len(res.Issues) != 0 || res.Incomplete != nil || res.Pickles != 1 || res.End != 5 {
		t.Fatalf("got %+v", res)
	}
}

func TestScanLimits(t *testing.T) {
	deep := newAsm().proto(2)
	for i := 0; i < 100; i++ {
		deep.op(opMark)
	}
	res := scanBytes(deep.stop().bytes(), Options{MaxStack: 50})
	if len(res.Issues) != 1 || res.Issues[0].Class != ClassLimit || res.Incomplete == nil {
		t.Fatalf("stack limit: %+v", res)
	}

	memo := newAsm().proto(4)
	for i := 0; i < 20; i++ {
		memo.sg("", "os", "system").op(opMemoize, opPop)
	}
	res = scanBytes(memo.stop().bytes(), Options{MaxMemo: 8})
	var limits int
	for _, is := range res.Issues {
		if is.Class == ClassLimit {
			limits++
		}
	}
	if limits != 1 || res.Incomplete == nil {
		t.Fatalf("memo limit: %d limits, incomplete %v", limits, res.Incomplete)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res = Scan(ctx, strings.NewReader("\x80\x02K\x01."), Options{})
	if res.Incomplete == nil || len(res.Issues) != 1 || res.Issues[0].Class != ClassLimit {
		t.Fatalf("cancelled: %+v", res)
	}
}

// Strings beyond the memo budget degrade to opaque data, but names that can
// matter are still kept exactly.
func TestScanMemoBudget(t *testing.T) {
	a := newAsm().proto(4)
	for i := 0; i < 40; i++ {
		a.sbu("word"+string(rune('a'+i%26))+string(rune('a'+i/26))).op(opMemoize, opPop)
	}
	a.sbu("subprocess").op(opMemoize, opPop).sbu("getoutput").op(opMemoize, opPop)
	a.op(opBinGet, 40, opBinGet, 41).at("g").op(opStackGlobal).stop()
	res := scanBytes(a.bytes(), Options{MaxMemo: 16})
	// "subprocess" is a known name and kept; "getoutput" is not, but the
	// whole subprocess module is dangerous, so the verdict stands.
	checkIssues(t, res, a, []want{{ClassDangerousGlobal, rule.Critical, "subprocess.?", "g"}})

	b := newAsm().proto(4)
	for i := 0; i < 40; i++ {
		b.sbu("mod"+string(rune('a'+i%26))+string(rune('a'+i/26))).op(opMemoize, opPop)
	}
	b.op(opBinGet, 30, opBinGet, 31).at("g").op(opStackGlobal).stop()
	res = scanBytes(b.bytes(), Options{MaxMemo: 16})
	checkIssues(t, res, b, []want{{ClassUnknownGlobal, rule.Medium, "?.?", "g"}})
}

func TestMaxPicklesAndEnd(t *testing.T) {
	first := newAsm().proto(2).int1(1).stop()
	end := int64(len(first.b))
	b := append(first.bytes(), 0x06, 0xff, 0x00) // raw bytes that are not a pickle
	res := scanBytes(b, Options{MaxPickles: 1})
	if len(res.Issues) != 0 || res.Incomplete != nil || res.Pickles != 1 || res.End != end {
		t.Fatalf("got %+v", res)
	}
}

func TestBenign(t *testing.T) {
	files, err := filepath.Glob("testdata/benign/*")
	if err != nil || len(files) < 10 {
		t.Fatalf("benign files: %v %v (run testdata/gen.py)", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			opts := Options{}
			if strings.HasSuffix(f, "legacy.pt") {
				opts.MaxPickles = 5
			}
			res := Scan(context.Background(), fh, opts)
			for _, is := range res.Issues {
				if is.Severity > rule.Low {
					t.Errorf("issue in benign file: %+v", is)
				}
			}
			if res.Incomplete != nil || res.Pickles == 0 || len(res.Globals) == 0 && !strings.Contains(f, "stacked") {
				t.Errorf("incomplete=%v pickles=%d globals=%v", res.Incomplete, res.Pickles, res.Globals)
			}
		})
	}
}

func TestProfilesNarrowThePolicy(t *testing.T) {
	b := newAsm().proto(2).at("g").global("torch._utils", "_rebuild_tensor_v2").stop()
	res := scanBytes(b.bytes(), Options{Policy: NewPolicy(ProfileNumPy)})
	checkIssues(t, res, b, []want{{ClassUnknownGlobal, rule.Medium, "torch._utils._rebuild_tensor_v2", "g"}})

	p := NewPolicy(ProfileNumPy)
	p.Allow("torch._utils.*", "mylib.Model")
	c := newAsm().proto(2).global("torch._utils", "_rebuild_tensor_v2").global("mylib", "Model").
		at("g").global("mylib.sub", "Model").at("d").global("os", "system").stop()
	res = scanBytes(c.bytes(), Options{Policy: p})
	checkIssues(t, res, c, []want{{ClassUnknownGlobal, rule.Medium, "mylib.sub.Model", "g"},
		{ClassDangerousGlobal, rule.Critical, "os.system", "d"}})
}

func TestLooksLikePickle(t *testing.T) {
	yes := [][]byte{
		[]byte("\x80\x02}q\x00."),
		[]byte("\x80\x05\x95\x10\x00\x00\x00"),
		[]byte("cos\nsystem\n(S'ls'\ntR."),
		[]byte("(dp0\nS'a'\np1\nI1\ns."),
		[]byte("(lp0\nI1\naI2\na."),
	}
	no := [][]byte{
		nil, []byte("PK\x03\x04"), []byte("hello world"), []byte("\x80\x09x"), []byte("{\"a\": 1}"),
		[]byte("\x93NUMPY"), []byte("# comment\n"), []byte("((((("),
	}
	for _, b := range yes {
		if !LooksLikePickle(b) {
			t.Errorf("LooksLikePickle(%q) = false", b)
		}
	}
	for _, b := range no {
		if LooksLikePickle(b) {
			t.Errorf("LooksLikePickle(%q) = true", b)
		}
	}
}

func TestIncompleteWrapsStop(t *testing.T) {
	res := scanBytes(newAsm().proto(2).op(0xff).bytes(), Options{})
	if res.Incomplete == nil || errors.Is(res.Incomplete, context.Canceled) {
		t.Fatalf("got %v", res.Incomplete)
	}
}
