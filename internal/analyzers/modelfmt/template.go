package modelfmt

import (
	"fmt"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/jinjascan"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

var levelSeverity = map[jinjascan.Level]rule.Severity{
	jinjascan.Critical: rule.Critical,
	jinjascan.High:     rule.High,
	jinjascan.Medium:   rule.Medium,
}

var levelReason = map[jinjascan.Level]string{
	jinjascan.Critical: "reaches Python internals or process APIs: code execution when rendered outside the sandbox",
	jinjascan.High:     "a sandbox-bypass technique (computed or hidden attribute names) with no use in a chat template",
	jinjascan.Medium:   "unusual for a chat template, but not an escape by itself",
}

// reportTemplate scans a Jinja chat template and reports each finding
// at loc; what names the template ("GGUF key tokenizer.chat_template").
func reportTemplate(report func(analysis.Diagnostic), loc finding.Location, what, tmpl string) {
	for _, f := range jinjascan.Scan(tmpl) {
		report(analysis.Diagnostic{
			Rule:           rules.ChatTemplateInjection,
			Location:       loc,
			Message:        fmt.Sprintf("%s, line %d: %s", what, f.Line, f.Msg),
			Evidence:       f.Evidence,
			Severity:       levelSeverity[f.Level],
			SeverityReason: levelReason[f.Level],
		})
	}
}
