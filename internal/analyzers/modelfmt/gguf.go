package modelfmt

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/mlsec/mlsec/internal/gguf"
)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func (p *pass) gguf() {
	f, err := gguf.Read(p.Reader, p.Size, nil)
	if f != nil {
		for _, kv := range f.KV {
			s, ok := kv.Value.(string)
			if !ok {
				continue
			}
			// tokenizer.chat_template and the named ones
			// (tokenizer.chat_template.tool_use, .rag...).
			if kv.Key == "tokenizer.chat_template" || strings.HasPrefix(kv.Key, "tokenizer.chat_template.") {
				reportTemplate(p.report, p.at(kv.Key, kv.Offset), "GGUF chat template "+kv.Key, s)
				continue
			}
			p.checkMetadata(kv.Key, kv.Offset, kv.Key, s, "GGUF key")
		}
	}
	if err != nil {
		var ge *gguf.Error
		off := int64(0)
		if errors.As(err, &ge) {
			off = ge.Offset
		}
		p.malformed("", off, "GGUF header is malformed: "+err.Error())
	}
}
