package ci

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rules"
)

// installs reports what run: and script: bodies fetch and run: remote
// scripts piped to a shell (supply-chain/remote-code-exec), extra or
// insecure package indexes (deps/…), and unpinned packages installed in a
// job that holds secrets or publishes (ci/runtime-install-unpinned).
func (f *file) installs(j *job) {
	in := f.infos[j]
	sensitive := len(in.secrets) > 0 || len(in.pubs) > 0
	for _, s := range j.steps {
		sc := f.script(s)
		if sc == nil || sc.file == nil {
			continue
		}
		for _, h := range append(shellrisk.RemoteExec(sc.file), shellrisk.DownloadThenRun(sc.file)...) {
			line, col := sc.at(h.Pos)
			f.report(j, rules.RemoteCodeExec, line, col, fmt.Sprintf("job %q: %s", j.id, h.What), h.Evidence, related(s.run), 0, "")
		}
		for _, h := range shellrisk.PipIndexes(sc.file) {
			r := rules.ExtraIndexURL
			if h.Insecure {
				r = rules.InsecureIndex
			}
			line, col := sc.at(h.Pos)
			f.report(j, r, line, col, fmt.Sprintf("job %q: %s", j.id, h.What), h.Evidence, related(s.run), 0, "")
		}
		if !sensitive {
			continue
		}
		for _, c := range sc.calls {
			args, ok := pipInstall(c)
			if !ok {
				continue
			}
			if pk := unpinnedPackages(args); len(pk) > 0 {
				line, col := sc.callAt(c)
				f.report(j, rules.CIRuntimeInstallUnpinned, line, col,
					fmt.Sprintf("job %q holds %s and installs %s without pinned versions or hashes", j.id, holdsText(in), strings.Join(pk, ", ")),
					strings.Join(c.Argv, " "), related(s.run), 0, "")
			}
		}
	}
}

func holdsText(in *jobInfo) string {
	if len(in.secrets) > 0 {
		return secretNames(in.secrets)
	}
	return "publishing rights (" + in.pubs[0].pub.what + ")"
}
