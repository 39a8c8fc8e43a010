package source

import (
	"bytes"
	"encoding/json"

	"gopkg.in/yaml.v3"
	"strings"
)

// yamlDoc is the mapping-key skeleton of one YAML document: its top-level
// keys and, for each, the keys of its value when that is a block mapping,
// down to maxKeyDepth levels. Values, sequences and flow collections are
// not kept.
type yamlDoc struct {
	keys map[string]*yamlDoc
}

const (
	maxKeyDepth = 3
	maxKeysDoc  = 4096 // keys kept per head, all documents together
	maxDocs     = 64
)

func (d *yamlDoc) has(k string) bool { _, ok := d.keys[k]; return ok }

func (d *yamlDoc) child(k string) *yamlDoc {
	if c := d.keys[k]; c != nil {
		return c
	}
	return &yamlDoc{}
}

// anyChildHas reports whether some value of d is a mapping with one of keys.
func (d *yamlDoc) anyChildHas(keys ...string) bool {
	for _, c := range d.keys {
		for _, k := range keys {
			if c.has(k) {
				return true
			}
		}
	}
	return false
}

// scanYAMLKeys reads the mapping-key skeleton of each document of a YAML
// head by indentation alone: no value is decoded, no alias is expanded, and
// a head cut in the middle of a document (the engine passes the first
// 8 KiB) still gives the keys seen so far. Block scalars (|, >) are skipped
// whole, so a script or an embedded file that holds "image:" or "kind:"
// contributes no key. It is a classifier, not a parser: what it cannot
// read (flow mappings, complex keys) it leaves out.
func scanYAMLKeys(head []byte) []*yamlDoc {
	type frame struct {
		indent int
		doc    *yamlDoc
		depth  int
	}
	var docs []*yamlDoc
	cur := &yamlDoc{}
	stack := []frame{{indent: -1, doc: cur}}
	blockIndent := -2 // >= -1 while inside a block scalar owned by a key at that indent
	nkeys := 0
	finish := func() {
		if len(cur.keys) > 0 {
			docs = append(docs, cur)
		}
		cur = &yamlDoc{}
		stack = []frame{{indent: -1, doc: cur}}
		blockIndent = -2
	}
	for len(head) > 0 && len(docs) < maxDocs {
		var line []byte
		line, head, _ = bytes.Cut(head, []byte("\n"))
		line = bytes.TrimRight(line, " \t\r")
		if len(line) == 0 {
			continue
		}
		if bytes.Equal(line, []byte("---")) || bytes.HasPrefix(line, []byte("--- ")) || bytes.Equal(line, []byte("...")) {
			if cur.has("apiVersion") && cur.has("kind") {
				break // a Kubernetes object: the rest cannot change the answer
			}
			finish()
			continue
		}
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		if blockIndent >= -1 {
			if indent > blockIndent {
				continue
			}
			blockIndent = -2
		}
		text := line[indent:]
		if text[0] == '#' || (indent == 0 && text[0] == '%') {
			continue
		}
		for len(stack) > 1 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		top := stack[len(stack)-1]
		key, rest, ok := yamlKey(text)
		if !ok {
			// A sequence entry, a flow collection or a continuation line:
			// nothing below it is a key of the enclosing mapping. Its
			// parent frame stays, so a sibling key further on is found.
			if text[0] == '-' && (len(text) == 1 || text[1] == ' ') {
				stack = append(stack, frame{indent: indent, doc: nil, depth: maxKeyDepth + 1})
			}
			if isBlockScalar(text) {
				blockIndent = indent
			}
			continue
		}
		var child *yamlDoc
		if top.doc != nil && top.depth < maxKeyDepth && nkeys < maxKeysDoc {
			if top.doc.keys == nil {
				top.doc.keys = map[string]*yamlDoc{}
			}
			child = top.doc.keys[key]
			if child == nil {
				child = &yamlDoc{}
				top.doc.keys[key] = child
				nkeys++
			}
		}
		if isBlockScalar(rest) {
			blockIndent = indent
			continue
		}
		stack = append(stack, frame{indent: indent, doc: child, depth: top.depth + 1})
	}
	finish()
	return docs
}

// isBlockScalar reports a value that starts a literal or folded block
// scalar, with an optional tag or anchor before it.
func isBlockScalar(v []byte) bool {
	v = bytes.TrimLeft(v, "- ")
	for len(v) > 0 && (v[0] == '!' || v[0] == '&') {
		_, after, ok := bytes.Cut(v, []byte(" "))
		if !ok {
			return false
		}
		v = bytes.TrimLeft(after, " ")
	}
	return len(v) > 0 && (v[0] == '|' || v[0] == '>')
}

// yamlKey splits "key: value" (plain or quoted key) into the key and the
// rest of the line after the colon.
func yamlKey(text []byte) (key string, rest []byte, ok bool) {
	switch text[0] {
	case '"', '\'':
		end := bytes.IndexByte(text[1:], text[0])
		if end < 0 {
			return "", nil, false
		}
		k, after := text[1:1+end], text[2+end:]
		after = bytes.TrimLeft(after, " ")
		if len(after) == 0 || after[0] != ':' || (len(after) > 1 && after[1] != ' ' && after[1] != '\t') {
			return "", nil, false
		}
		return string(k), bytes.TrimLeft(after[1:], " \t"), true
	case '-', '{', '[', '&', '*', '!', '|', '>', '?', '%', '@', '`', '#', ':', ',':
		return "", nil, false
	}
	i := 0
	for {
		j := bytes.IndexByte(text[i:], ':')
		if j < 0 {
			return "", nil, false
		}
		i += j
		if i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t' {
			break
		}
		i++
	}
	k := bytes.TrimRight(text[:i], " ")
	if len(k) == 0 || bytes.Contains(k, []byte(" #")) {
		return "", nil, false
	}
	return string(k), bytes.TrimLeft(text[i+1:], " \t"), true
}

// classifyYAMLDocs says what a YAML file is from the key skeleton of its
// documents.
func classifyYAMLDocs(docs []*yamlDoc) Kind {
	for _, d := range docs {
		// Kubernetes objects: Deployments, CRDs, Argo Workflows, KubeRay,
		// KServe; a multi-document file is one if any document is.
		if d.has("apiVersion") && d.has("kind") {
			return Kubernetes
		}
	}
	if len(docs) == 0 {
		return YAML
	}
	d := docs[0]
	switch {
	case d.has("deploymentSpec") && (d.child("deploymentSpec").has("executors") || d.has("pipelineInfo") || d.has("root")),
		d.has("pipelineInfo") && d.has("root") && d.has("components"),
		d.has("pipelineSpec") && (d.has("deploymentSpec") || d.has("runtimeConfig") ||
			d.child("pipelineSpec").has("deploymentSpec") || d.child("pipelineSpec").has("root")):
		return KFPPipeline
	case d.has("singleuser") && (d.has("hub") || d.has("proxy")),
		d.has("hub") && d.has("proxy") && (d.child("hub").has("config") || d.child("proxy").has("secretToken") || d.child("proxy").has("service")):
		return HelmValues // zero-to-jupyterhub chart values
	case isComposeDoc(d):
		return Compose
	case d.has("jobs") && (d.has("on") || d.has(`"on"`) || d.has("true")) && d.child("jobs").anyChildHas("runs-on", "steps", "uses"):
		return GitHubActions
	case isGitLabCI(d):
		return GitLabCI
	}
	return YAML
}

// isComposeDoc: a top-level services mapping with at least one service
// defined by image, build or command (the Compose specification).
func isComposeDoc(d *yamlDoc) bool {
	svcs := d.keys["services"]
	if svcs == nil || !svcs.anyChildHas("image", "build", "command", "entrypoint") {
		return false
	}
	// Every other top-level key must be one the Compose specification
	// defines or an extension field: this keeps out chart values and
	// application configs that happen to have a services map.
	for k := range d.keys {
		switch k {
		case "services", "version", "name", "networks", "volumes", "configs", "secrets", "include", "models":
		default:
			if !strings.HasPrefix(k, "x-") {
				return false
			}
		}
	}
	return true
}

// isGitLabCI: jobs with script (or trigger) beside GitLab's global keys.
func isGitLabCI(d *yamlDoc) bool {
	jobs := 0
	for k, c := range d.keys {
		if c.has("script") || c.has("trigger") {
			if c.has("stage") || c.has("image") || c.has("extends") || c.has("rules") || c.has("only") {
				jobs++
			} else if !strings.HasPrefix(k, ".") {
				jobs++
			}
		}
	}
	return jobs > 0 && (d.has("stages") || d.has("include") || d.has("workflow") || d.has("default") ||
		d.anyChildHas("stage"))
}

// scanJSONKeys reads the key skeleton of a JSON head (an object, or a YAML
// document written as one) token by token; a head cut short gives the keys
// read before the cut.
func scanJSONKeys(head []byte) *yamlDoc {
	dec := json.NewDecoder(bytes.NewReader(head))
	root := &yamlDoc{}
	type frame struct {
		doc    *yamlDoc
		object bool
		key    bool // the next token of this object is a key
	}
	var stack []frame
	var pending *yamlDoc // the value being read belongs to this key
	for n := 0; n < maxKeysDoc*4; n++ {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if _, isKey := tok.(string); isKey && len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].key {
			top := &stack[len(stack)-1]
			top.key = false
			k, _ := tok.(string)
			pending = nil
			if top.doc != nil && len(stack) <= maxKeyDepth {
				if top.doc.keys == nil {
					top.doc.keys = map[string]*yamlDoc{}
				}
				if top.doc.keys[k] == nil {
					top.doc.keys[k] = &yamlDoc{}
				}
				pending = top.doc.keys[k]
			}
			continue
		}
		switch tok {
		case json.Delim('{'):
			d := pending
			if len(stack) == 0 {
				d = root
			}
			stack = append(stack, frame{doc: d, object: true, key: true})
			pending = nil
			continue
		case json.Delim('['):
			stack = append(stack, frame{})
			pending = nil
			continue
		case json.Delim('}'), json.Delim(']'):
			if len(stack) == 0 {
				return root
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return root
			}
		}
		pending = nil
		if len(stack) == 0 {
			return root // a scalar at the top: not an object
		}
		if top := &stack[len(stack)-1]; top.object {
			top.key = true
		}
	}
	return root
}

// flowKeys reads the top-level keys of a YAML flow mapping ({apiVersion:
// v1, kind: Pod}) with the YAML parser. Only a head that parses whole is
// read; aliases are left as they are, never expanded.
func flowKeys(head []byte) *yamlDoc {
	d := &yamlDoc{}
	var n yaml.Node
	if err := yaml.Unmarshal(head, &n); err != nil || n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return d
	}
	m := n.Content[0]
	if m.Kind != yaml.MappingNode {
		return d
	}
	d.keys = map[string]*yamlDoc{}
	for i := 0; i+1 < len(m.Content) && i < 2*maxKeysDoc; i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode {
			d.keys[k.Value] = &yamlDoc{}
		}
	}
	return d
}
