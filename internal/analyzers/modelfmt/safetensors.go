package modelfmt

import (
	"fmt"

	"github.com/mlsec/mlsec/internal/safetensors"
)

// maxProblems bounds the inconsistencies reported for one header: a
// hostile header can have a million tensors all wrong.
const maxProblems = 5

func (p *pass) safetensors() {
	h, err := safetensors.Read(p.Reader, p.Size)
	if err != nil {
		p.malformed("", 0, "safetensors header cannot be read: "+err.Error())
		return
	}
	for i, pr := range h.Problems {
		if i == maxProblems {
			p.malformed("", 0, fmt.Sprintf("%d more header problems not listed", len(h.Problems)-maxProblems))
			break
		}
		msg := "safetensors header: " + pr.Msg
		if pr.Tensor != "" {
			msg = fmt.Sprintf("safetensors tensor %q: %s", pr.Tensor, pr.Msg)
		}
		p.malformed("", 0, msg)
	}
	for _, k := range sortedKeys(h.Metadata) {
		p.checkMetadata("__metadata__", 0, k, h.Metadata[k], "safetensors __metadata__ key")
	}
}
