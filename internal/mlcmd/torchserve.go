package mlcmd

import (
	"net/url"
	"strings"

	"github.com/mlsec/mlsec/internal/rules"
)

// maxPropertiesLines bounds how much of a properties text is read.
const maxPropertiesLines = 10000

// TorchServeProperties checks a TorchServe config.properties text (a file,
// or a ConfigMap entry) for a management API bound to every interface
// (management_address=http://0.0.0.0:8081), the exposure behind ShellTorch
// (CVE-2023-43654): whoever reaches it registers a model from a URL, and a
// model's handler is code. It is reported at High unless the file itself
// shows the management API cannot register models and still asks for a
// token (enable_model_api=false without disable_token_authorization=true,
// the TorchServe 0.11+ defaults), in which case nothing is reported.
// Lines in the returned matches are 1-based within text.
func TorchServeProperties(text string) []ShellMatch {
	props := map[string]string{}
	lines := map[string]int{}
	n := 0
	for line := range strings.Lines(text) {
		n++
		if n > maxPropertiesLines {
			break
		}
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == '!' {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			k, v, ok = strings.Cut(t, ":")
		}
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		props[k], lines[k] = strings.TrimSpace(v), n
	}
	addr, ok := props["management_address"]
	if !ok || !bindsAll(addr) {
		return nil
	}
	tokenOff := truthy(props["disable_token_authorization"])
	modelAPI, modelAPISet := props["enable_model_api"]
	if !tokenOff && modelAPISet && !truthy(modelAPI) {
		return nil
	}
	msg := "TorchServe's management API listens on all interfaces (" + addr + "): "
	switch {
	case tokenOff && truthy(modelAPI):
		msg += "token authorization is disabled and the model API enabled, so anyone reaching it can register a model and run its handler code (ShellTorch)"
	case tokenOff:
		msg += "token authorization is disabled, so anyone reaching it can manage the served models"
	default:
		msg += "before TorchServe 0.11 it has no authentication and registers models from any URL (ShellTorch, CVE-2023-43654)"
	}
	return []ShellMatch{{
		Match: Match{Rule: rules.ModelServerAdmin, Severity: rules.ModelServerAdmin.Severity, Arg: -1,
			Evidence: "management_address=" + addr, Message: msg},
		Line: lines["management_address"], Col: 1,
	}}
}

// bindsAll reports whether a TorchServe address (http://0.0.0.0:8081,
// https://[::]:8444, 0.0.0.0:8081) listens on every interface.
func bindsAll(addr string) bool {
	a := strings.TrimSpace(addr)
	if !strings.Contains(a, "://") {
		a = "http://" + a
	}
	u, err := url.Parse(a)
	if err != nil {
		return false
	}
	return allInterfaces(u.Hostname())
}
