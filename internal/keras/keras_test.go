package keras

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

func TestVulnerableVersion(t *testing.T) {
	for v, want := range map[string]string{
		"3.8.0":     "CVE-2025-1550 CVE-2025-9905 CVE-2025-9906 CVE-2026-1462",
		"3.9.0":     "CVE-2025-9905 CVE-2025-9906 CVE-2026-1462",
		"3.11.2":    "CVE-2025-9905 CVE-2025-9906 CVE-2026-1462",
		"3.11.3":    "CVE-2026-1462",
		"3.13.9rc1": "CVE-2026-1462",
		"3.14.0":    "",
		"3.15.1":    "",
		"2.12.0":    "CVE-2024-3660",
		"2.13.1":    "",
		"2.15.0-tf": "",
		"":          "",
		"garbage":   "",
		"1.2.3.4.5": "CVE-2024-3660",
	} {
		if got := strings.Join(VulnerableVersion(v), " "); got != want {
			t.Errorf("%q: got %q, want %q", v, got, want)
		}
	}
}

func kinds(fs []Finding) []Kind {
	var ks []Kind
	for _, f := range fs {
		ks = append(ks, f.Kind)
	}
	return ks
}

func TestWalk(t *testing.T) {
	evil := base64.StdEncoding.EncodeToString([]byte("\xe3\x00\x00\x00os\x00system\x00curl"))
	for _, tc := range []struct {
		name, cfg string
		want      []Kind
		critical  bool
		msg       string
	}{
		{"benign", `{"module":"keras","class_name":"Sequential","config":{"layers":[{"module":"keras.layers","class_name":"Dense","config":{"name":"d","activation":"relu"}}]}}`, nil, false, ""},
		{"lambda plain", `{"class_name":"Lambda","config":{"name":"l","function":["` + base64.StdEncoding.EncodeToString([]byte("\xe3\x00x\x00y")) + `",null,null]}}`, []Kind{Lambda}, false, `Lambda layer "l" stores Python bytecode`},
		{"lambda evil in wrapper", `{"class_name":"Bidirectional","config":{"layer":{"class_name":"Lambda","config":{"name":"l","function":{"class_name":"__lambda__","config":{"code":"` + evil + `"}}}}}}`, []Kind{Lambda}, true, "naming os, system"},
		{"foreign module", `{"module":"evil_pkg.layers","class_name":"Backdoor","config":{}}`, []Kind{ForeignModule}, false, `names module "evil_pkg.layers"`},
		{"k2 lambda module is payload", `{"class_name":"Lambda","config":{"name":"l","module":"__main__","function":"x"}}`, []Kind{Lambda}, false, ""},
		{"tfoplambda file", `{"class_name":"TFOpLambda","config":{"name":"t","function":"io.write_file"}}`, []Kind{TFOpLambda}, false, "tf.io.write_file"},
		{"tfoplambda py", `{"class_name":"TFOpLambda","config":{"name":"t","function":"numpy_function"}}`, []Kind{TFOpLambda}, true, ""},
		{"tfoplambda math", `{"class_name":"TFOpLambda","config":{"name":"t","function":"math.add"}}`, nil, false, ""},
		{"unsafe call", `{"module":"keras.config","class_name":"function","config":"enable_unsafe_deserialization"}`, []Kind{UnsafeCall}, true, "enable_unsafe_deserialization"},
		{"builtin exec", `{"module":"builtins","class_name":"function","config":"exec","registered_name":"exec"}`, []Kind{UnsafeCall}, true, "builtins.exec"},
		{"builtin ok", `{"module":"builtins","class_name":"function","config":"abs"}`, nil, false, ""},
	} {
		fs, err := Walk([]byte(tc.cfg))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(kinds(fs), tc.want) {
			t.Errorf("%s: kinds %v, want %v (%+v)", tc.name, kinds(fs), tc.want, fs)
			continue
		}
		if len(fs) > 0 && (fs[0].Critical != tc.critical || !strings.Contains(fs[0].Msg, tc.msg)) {
			t.Errorf("%s: %+v", tc.name, fs[0])
		}
	}
}

func TestDepthBound(t *testing.T) {
	cfg := strings.Repeat(`{"config":`, MaxDepth+50) + `{"class_name":"Lambda"}` + strings.Repeat("}", MaxDepth+50)
	fs, err := Walk([]byte(cfg))
	if err != nil || len(fs) != 0 {
		t.Fatalf("past the depth bound: %v %+v", err, fs)
	}
}

func FuzzWalk(f *testing.F) {
	f.Add([]byte(`{"class_name":"Lambda","config":{"function":["4wEAAAA=",null]}}`))
	f.Add([]byte(`{"module":"builtins","class_name":"function","config":"exec"}`))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = Walk(b) })
}
