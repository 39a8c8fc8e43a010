package modelfmt

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// runConfig reads JSON and YAML files that hold a chat template or a
// `_target_`. JSON is parsed as YAML, its superset, for the line numbers.
// Files that do not parse are left to the JSON and YAML analyzers, which
// report them.
func runConfig(p *analysis.Pass) error {
	hasTemplate := bytes.Contains(p.Content, []byte("chat_template"))
	hasTarget := bytes.Contains(p.Content, []byte("_target_"))
	if !hasTemplate && !hasTarget {
		return nil
	}
	docs, err := yamlutil.Parse(p.Content)
	if err != nil {
		return nil
	}
	base := strings.ToLower(path.Base(p.File.Path))
	for _, d := range docs {
		if hasTemplate && (base == "tokenizer_config.json" || base == "chat_template.json" || base == "processor_config.json") {
			chatTemplates(p, d)
		}
		if hasTarget {
			targets(p, d)
		}
	}
	return nil
}

// chatTemplates: "chat_template" is a string, or a list of
// {"name": ..., "template": ...} for models with several.
func chatTemplates(p *analysis.Pass, root *yaml.Node) {
	v := yamlutil.Get(root, "chat_template")
	if v == nil {
		return
	}
	if v.Kind == yaml.ScalarNode {
		reportTemplate(p.Report, p.Line(v.Line, v.Column), "chat_template", v.Value)
		return
	}
	for _, it := range yamlutil.Items(v) {
		t := yamlutil.Get(it, "template")
		if t == nil || t.Kind != yaml.ScalarNode {
			continue
		}
		name := yamlutil.Str(yamlutil.Get(it, "name"))
		reportTemplate(p.Report, p.Line(t.Line, t.Column), fmt.Sprintf("chat_template %q", name), t.Value)
	}
}

// execTargets are callables that run code or commands when instantiated;
// loadTargets unpickle a file named by the config.
var execTargets = []string{
	"os.system", "os.popen", "os.exec", "os.spawn", "os.posix_spawn", "posix.system", "nt.system", "subprocess.",
	"builtins.eval", "builtins.exec", "builtins.compile", "builtins.__import__", "builtins.getattr", "builtins.open",
	"eval", "exec", "__import__", "importlib.import_module", "runpy.", "pty.spawn", "code.Interactive", "ctypes.",
	"shutil.rmtree", "webbrowser.open", "socket.", "commands.getoutput", "platform.popen",
}

var loadTargets = []string{"pickle.load", "pickle.loads", "_pickle.load", "dill.load", "cloudpickle.load", "joblib.load", "torch.load", "numpy.load", "pandas.read_pickle", "marshal.loads"}

func targetKind(t string) (rule.Severity, string) {
	for _, e := range execTargets {
		if t == e || strings.HasSuffix(e, ".") && strings.HasPrefix(t, e) || strings.HasPrefix(t, e) && len(t) > len(e) && !isIdent(t[len(e)]) {
			return rule.Critical, "runs code or commands"
		}
		// os.execvp, os.spawnlp...
		if (e == "os.exec" || e == "os.spawn") && strings.HasPrefix(t, e) {
			return rule.Critical, "runs code or commands"
		}
	}
	for _, l := range loadTargets {
		if t == l {
			return rule.High, "unpickles a file the config names"
		}
	}
	return 0, ""
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func targets(p *analysis.Pass, root *yaml.Node) {
	yamlutil.Walk(root, func(n *yaml.Node) bool {
		if n.Kind != yaml.MappingNode {
			return true
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value != "_target_" || v.Kind != yaml.ScalarNode {
				continue
			}
			t := strings.TrimSpace(v.Value)
			sev, what := targetKind(t)
			if sev == 0 {
				continue
			}
			d := analysis.Diagnostic{Rule: rules.ConfigTarget, Location: p.Line(k.Line, k.Column),
				Message:  fmt.Sprintf("_target_ %s %s when the config is instantiated", t, what),
				Evidence: "_target_: " + t}
			if sev != rule.Critical {
				d.Severity, d.SeverityReason = sev, "deserialises a file rather than running a command directly"
			}
			p.Report(d)
		}
		return true
	})
}
