package code

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/deps"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// notebookShell checks the shell commands of a notebook ("!pip install …",
// "%pip …", "!wget … | sh", %%bash cells) with the same shell checks as
// Dockerfiles and scripts, and "%run" of a script an earlier command
// downloaded.
func (t *target) notebookShell() {
	downloaded := map[string]string{} // file name -> the URL it was fetched from
	for _, sh := range t.nb.Shell {
		if sh.Run {
			t.runMagic(sh.Offset, sh.Text, downloaded)
			continue
		}
		f, err := mlcmd.Parse(sh.Text)
		if err != nil {
			continue // a line that is not shell we can read: nothing to say about it
		}
		at := func(p syntax.Pos) int { return sh.Offset + int(p.Offset()) }
		for _, h := range shellrisk.RemoteExec(f) {
			t.shellReport(at(h.Pos), rules.RemoteCodeExec, h.Evidence, "notebook shell command: "+h.What)
		}
		for _, h := range shellrisk.DownloadThenRun(f) {
			t.shellReport(at(h.Pos), rules.RemoteCodeExec, h.Evidence, "notebook shell command: "+h.What+", without a checksum")
		}
		for _, h := range shellrisk.PipIndexes(f) {
			r := rules.ExtraIndexURL
			if h.Insecure {
				r = rules.InsecureIndex
			}
			t.shellReport(at(h.Pos), r, h.Evidence, "notebook pip install: "+h.What)
		}
		for _, c := range shellrisk.Calls(f) {
			if name, url := fetchTarget(c); name != "" {
				downloaded[name] = url
			}
			if pkgs := unpinnedML(c); len(pkgs) > 0 {
				list := strings.Join(pkgs, " ")
				t.shellReport(at(c.Expr.Pos()), rules.UnpinnedMLPackage, list,
					"notebook pip install of "+list+" without an exact version (==): each run of the notebook installs whatever release is newest")
			}
		}
	}
}

// shellReport reports a finding at offset off of the notebook's code.
func (t *target) shellReport(off int, r *rule.Rule, evidence, msg string) {
	line := 1 + strings.Count(string(t.mod.Src[:min(off, len(t.mod.Src))]), "\n")
	t.pass.Report(analysis.Diagnostic{Rule: r, Location: t.location(off, line, 1), Evidence: shorten(evidence, 120), Message: msg})
}

// runMagic reports "%run script.py" when an earlier shell command of the
// notebook downloaded script.py.
func (t *target) runMagic(off int, arg string, downloaded map[string]string) {
	fields := strings.Fields(arg)
	for _, f := range fields {
		if strings.HasPrefix(f, "-") {
			continue
		}
		url, ok := downloaded[path.Base(f)]
		if !ok {
			return
		}
		t.shellReport(off, rules.RemoteCodeExec, "%run "+arg,
			"notebook %run of "+f+", which an earlier cell downloaded from "+shorten(url, 80)+" without a checksum: whoever controls that location runs code in the kernel")
		return
	}
}

// fetchTarget is the file a wget or curl command writes and the URL it
// fetches, or "".
func fetchTarget(c shellrisk.Call) (name, url string) {
	prog := c.Prog()
	if prog != "wget" && prog != "curl" {
		return "", ""
	}
	args := c.Args()
	out := ""
	remoteName := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case prog == "wget" && (a == "-O" || a == "--output-document") && i+1 < len(args):
			out = args[i+1]
			i++
		case prog == "wget" && strings.HasPrefix(a, "--output-document="):
			out = strings.TrimPrefix(a, "--output-document=")
		case prog == "curl" && (a == "-o" || a == "--output") && i+1 < len(args):
			out = args[i+1]
			i++
		case prog == "curl" && (a == "-O" || a == "--remote-name"):
			remoteName = true
		case strings.Contains(a, "://"):
			url = a
		}
	}
	if url == "" || out == "-" {
		return "", ""
	}
	if out == "" {
		if prog == "curl" && !remoteName {
			return "", ""
		}
		u := url
		if k := strings.IndexAny(u, "?#"); k >= 0 {
			u = u[:k]
		}
		out = path.Base(u)
	}
	return path.Base(out), url
}

// pipValueOptions are pip install options that take a value.
var pipValueOptions = map[string]bool{"-r": true, "--requirement": true, "-c": true, "--constraint": true, "-e": true,
	"--editable": true, "-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true,
	"--trusted-host": true, "-t": true, "--target": true, "--prefix": true, "--root": true, "--platform": true,
	"--python-version": true, "--implementation": true, "--abi": true, "--src": true, "--upgrade-strategy": true,
	"--progress-bar": true, "--report": true, "--cache-dir": true, "--log": true, "--proxy": true, "--timeout": true,
	"--retries": true, "--exists-action": true, "--cert": true, "--client-cert": true, "--config-settings": true,
	"-C": true, "--global-option": true, "--no-binary": true, "--only-binary": true}

// unpinnedML lists the ML-critical packages a pip install command installs
// without an exact version.
func unpinnedML(c shellrisk.Call) []string {
	argv := c.Argv
	i := 0
	for i < len(argv) && argv[i] != "install" {
		i++
	}
	if i >= len(argv) || i == 0 {
		return nil
	}
	prog := path.Base(argv[0])
	isPip := prog == "pip" || prog == "pip3" || strings.HasPrefix(prog, "pip3.") || prog == "uv"
	for _, a := range argv[:i] {
		if a == "pip" {
			isPip = true
		}
	}
	if !isPip {
		return nil
	}
	var out []string
	for k := i + 1; k < len(argv); k++ {
		a := argv[k]
		if strings.HasPrefix(a, "-") {
			if pipValueOptions[a] {
				k++
			}
			continue
		}
		if strings.ContainsAny(a, "/\\") || strings.Contains(a, "://") || strings.HasSuffix(a, ".whl") || strings.HasSuffix(a, ".tar.gz") {
			continue
		}
		name := a
		if n := strings.IndexAny(name, "<>=!~[;@ "); n >= 0 {
			name = name[:n]
		}
		name = strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(name))
		if deps.IsMLPackage(name) && !strings.Contains(a, "==") {
			out = append(out, a)
		}
	}
	return out
}
