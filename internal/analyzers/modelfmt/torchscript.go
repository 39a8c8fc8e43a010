package modelfmt

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// Bounds on the TorchScript sources read from one archive; the read is
// cut at these whatever sizes the zip declares.
const (
	maxCodeMember  = 4 << 20
	maxCodeTotal   = 32 << 20
	maxCodeMembers = 2000
)

var (
	fromFileRE = regexp.MustCompile(`\btorch\.from_file\s*\(|\bops\.aten\.from_file\b`)
	opsRE      = regexp.MustCompile(`\bops\.([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]`)
)

// builtinOpNamespaces are the torch.ops namespaces PyTorch and its
// standard companions register themselves.
var builtinOpNamespaces = map[string]bool{
	"aten": true, "prim": true, "prims": true, "quantized": true, "_quantized": true, "quantized_decomposed": true,
	"profiler": true, "_caffe2": true, "cuda": true, "mkldnn": true, "mkl": true, "c10d": true, "_c10d_functional": true,
	"c10d_functional": true, "_dtensor": true, "torchvision": true, "image": true, "torchaudio": true, "torchtext": true, "fbgemm": true,
}

// torchScript reads the code/ sources of a TorchScript zip. It returns
// false when the zip holds none: plain checkpoints are the model
// analyzer's alone. constants.pkl and data.pkl are pickles, which the
// model analyzer scans.
func (p *pass) torchScript() bool {
	z, err := zip.NewReader(p.Reader, p.Size)
	if err != nil {
		return false
	}
	var code []*zip.File
	for _, f := range z.File {
		if strings.HasSuffix(f.Name, ".py") && (strings.HasPrefix(f.Name, "code/") || strings.Contains(f.Name, "/code/")) {
			code = append(code, f)
		}
	}
	if len(code) == 0 {
		return false
	}
	total := int64(0)
	for i, f := range code {
		if i == maxCodeMembers || total >= maxCodeTotal {
			p.report(analysis.Diagnostic{Rule: rules.ScanLimit, Location: p.at("", 0), Inconclusive: true,
				Message: fmt.Sprintf("TorchScript code past %d members or %d MiB was not read", maxCodeMembers, maxCodeTotal>>20)})
			break
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		lr := &io.LimitedReader{R: rc, N: maxCodeMember}
		p.torchScriptSource(f.Name, lr)
		total += maxCodeMember - lr.N
		rc.Close()
	}
	return true
}

func (p *pass) torchScriptSource(member string, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	seen := map[string]bool{}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		loc := finding.Location{Path: p.File.Path, Member: member, Line: n}
		if m := fromFileRE.FindString(line); m != "" && !seen["from_file"] {
			seen["from_file"] = true
			p.report(analysis.Diagnostic{Rule: rules.TorchScriptUnsafeOp, Location: loc,
				Message:  "TorchScript calls torch.from_file: loading and running the model reads a file of the host into a tensor",
				Evidence: clip(strings.TrimSpace(line), 200)})
		}
		for _, m := range opsRE.FindAllStringSubmatch(line, -1) {
			ns := m[1]
			if builtinOpNamespaces[ns] || seen["ops."+ns] {
				continue
			}
			seen["ops."+ns] = true
			p.report(analysis.Diagnostic{Rule: rules.TorchScriptUnsafeOp, Location: loc,
				Message:  fmt.Sprintf("TorchScript calls operators of namespace %q, which only a native custom-op library provides", ns),
				Evidence: clip(strings.TrimSpace(line), 200), Severity: rule.Medium,
				SeverityReason: "native code is needed, but it ships separately and must be installed by the user"})
		}
	}
}
