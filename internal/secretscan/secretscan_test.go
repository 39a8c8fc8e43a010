package secretscan

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestKeywordIndex(t *testing.T) {
	ki := newKeywordIndex([]string{"key", "api_key", "hf_", "ey"})
	type hit struct{ id, at int }
	var got []hit
	ki.find([]byte("API_KEY=x HF_TOKEN Key"), func(id, at int) { got = append(got, hit{id, at}) })
	want := []hit{{1, 0}, {0, 4}, {3, 5}, {2, 10}, {0, 19}, {3, 20}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hits = %v, want %v", got, want)
	}
}

func TestSpansLines(t *testing.T) {
	for expr, want := range map[string]bool{
		`\b(hf_[A-Za-z0-9]{30,40})(?:[\x60'"\s;]|$)`:               false, // a trailing \s is one byte
		`(?i)key(?:[ \t\w.-]{0,20})[\s'"]{0,3}=`:                   false, // bounded: reaches the next line at most
		`-----BEGIN[ A-Z]*PRIVATE KEY-----[\s\S-]{64,}?KEY-----`:   true,
		`machine\s+api\.wandb\.ai`:                                 true,
		`(?s)a.*b`:                                                 true,
		`(?i)password[^\n]{0,60}?=`:                                false,
		`postgres://[^\s:@]{0,64}:([^\s@/'"<>]{1,128})@[^\s'"<>]+`: false,
	} {
		if got := spansLines(expr); got != want {
			t.Errorf("spansLines(%q) = %v, want %v", expr, got, want)
		}
	}
}

func TestEntropy(t *testing.T) {
	if e := Entropy("aaaa"); e != 0 {
		t.Errorf("Entropy(aaaa) = %v", e)
	}
	if e := Entropy("abcd"); e != 2 {
		t.Errorf("Entropy(abcd) = %v", e)
	}
}

// unguarded is the detector without guards, anchoring or narrowed
// windows: every keyword hit opens its line and the next to the rule's
// full regex.
func unguarded(t *testing.T) *Detector {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var rs []*Rule
	for _, r := range d.rules {
		c := *r
		c.guard, c.anchored, c.before = nil, nil, 0
		rs = append(rs, &c)
	}
	return New(rs)
}

// TestGuardsKeepFindings: guards, anchoring and narrowed windows change
// what the detector costs, never what it finds, on every fixture of the
// secret analyzer and on lines built to sit at the guards' edges.
func TestGuardsKeepFindings(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	plain := unguarded(t)
	texts := map[string][]byte{
		"edges.py": []byte(strings.Join([]string{
			`api_key_with_a_rather_long_name_v2 = "Zq8vR3kP1xW7mN2bT5yL9cH4"`,
			`my.service-token   =   'Zq8vR3kP1xW7mN2bT5yL9cH4aa'`,
			`API_KEY:` + "\n" + `  "Zq8vR3kP1xW7mN2bT5yL9cH4bb"`,
			`KEY` + "\n" + `  value: "8f09bf7eb3f3e9b35791e1c8ed2d87b3"`,
			`auth_token ?= ==Zq8vR3kP1xW7mN2bT5yL9cH4cc`,
			`secret := "Zq8vR3kP1xW7mN2bT5yL9cH4dd"; password = "hunter2hunter2"`,
			`HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh hf_short`,
			`db_password_file = "/run/secrets/x"  DB_PASSWORD = "Tr0ub4dor&3x"`,
			`url = "https://user:p4ss@host/x" and "https://host/x@y" "redis://:pw1234@h:6379"`,
			`eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk_lmnop keyey`,
		}, "\n")),
	}
	root := filepath.Join("..", "analyzers", "secret", "testdata")
	filepath.WalkDir(root, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			b, _ := os.ReadFile(p)
			texts[p] = b
		}
		return nil
	})
	if len(texts) < 10 {
		t.Fatalf("only %d fixtures read", len(texts))
	}
	for name, text := range texts {
		got, want := d.Scan(text, name), plain.Scan(text, name)
		if len(got) != len(want) {
			t.Errorf("%s: %d matches with guards, %d without", name, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i].Rule.RuleID != want[i].Rule.RuleID || got[i].Secret != want[i].Secret || got[i].SecretStart != want[i].SecretStart {
				t.Errorf("%s: match %d: %s %q at %d with guards, %s %q at %d without", name, i,
					got[i].Rule.RuleID, got[i].Secret, got[i].SecretStart, want[i].Rule.RuleID, want[i].Secret, want[i].SecretStart)
			}
		}
	}
}
