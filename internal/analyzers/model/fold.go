package model

import (
	"fmt"
	"regexp"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
)

// maxRelated bounds the related locations one folded finding lists; the
// count in its message covers the rest.
const maxRelated = 20

// folds gathers a file's archive anomalies and scan limits by kind. A
// hostile archive can repeat one trick in every one of its members —
// thousands of entries over the same data, a decompression bomb in each,
// the encryption flag on all of them — and as many identical findings
// would bury the one that matters and swell every report. Each kind is
// reported once, at its first occurrence, with the count in the message
// and the next occurrences as related locations.
type folds struct {
	order []string
	by    map[string]*fold
}

type fold struct {
	d analysis.Diagnostic
	n int
}

var (
	quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	number = regexp.MustCompile(`0x[0-9a-fA-F]+|[0-9]+`)
)

// kind is what makes two diagnostics the same finding: the rule, the
// severity and the message with member names and numbers taken out
// ("member declares 812 bytes but only 40 remain" is one kind whatever
// the sizes).
func kind(d analysis.Diagnostic) string {
	msg := number.ReplaceAllString(quoted.ReplaceAllString(d.Message, `""`), "#")
	return fmt.Sprintf("%s\x00%d\x00%s", d.Rule.ID, d.Severity, msg)
}

func (fs *folds) add(d analysis.Diagnostic) {
	k := kind(d)
	if fs.by == nil {
		fs.by = map[string]*fold{}
	}
	f := fs.by[k]
	if f == nil {
		fs.by[k] = &fold{d: d, n: 1}
		fs.order = append(fs.order, k)
		return
	}
	f.n++
	if len(f.d.Related) < maxRelated {
		f.d.Related = append(f.d.Related, finding.Related{Location: d.Location, Message: d.Message})
	}
}

func (fs *folds) report(p *analysis.Pass) {
	for _, k := range fs.order {
		f := fs.by[k]
		d := f.d
		if f.n > 1 {
			d.Message += fmt.Sprintf(" (%d occurrences in this file", f.n)
			if f.n-1 > len(d.Related) {
				d.Message += fmt.Sprintf("; the next %d listed as related locations", len(d.Related))
			}
			d.Message += ")"
		}
		p.Report(d)
	}
	fs.order, fs.by = nil, nil
}
