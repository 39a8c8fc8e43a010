// Package code is the analyzer for Python source and Jupyter notebooks: it
// finds calls that deserialize untrusted models or data (pickle, joblib,
// torch.load, NumPy, pandas, Keras, PyYAML) and calls that run code from a
// model hub (trust_remote_code, torch.hub).
//
// Calls are found by internal/python's tokenizer and call parser, with
// import aliases resolved, so strings and comments never match and
// "import torch as T; T.load(p)" does. A notebook's code cells are parsed as
// one module; findings point at the line of the .ipynb file where the
// cell's source line is stored, with the cell (counted over all cells, from
// 1) and the line within the cell.
package code

import (
	"bytes"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/pyparse"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/notebook"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer reports unsafe model and data loading in Python and notebooks.
var Analyzer = &analysis.Analyzer{
	Name: "code",
	Doc: "Reads Python files and the code cells of Jupyter notebooks, resolving imports and aliases, and reports calls " +
		"that unpickle or otherwise deserialize untrusted models and data (pickle, joblib, torch.load, numpy.load with " +
		"allow_pickle, pandas.read_pickle, Keras safe_mode=False, unsafe PyYAML loaders) and calls that run code from " +
		"a model hub (trust_remote_code=True, torch.hub.load, pickled from_pretrained weights); loaders of formats that carry " +
		"code (torch.package, TorchScript, SavedModel), marshal and msgpack-numpy, archive extraction without a safe filter, " +
		"native libraries loaded from artifact paths, unpinned Hugging Face downloads and eval of configuration. Values are " +
		"followed within a module and a function (constants, dicts passed as **kwargs, parameter defaults, getattr and " +
		"import_module with constant names), and the severity of a load follows where its bytes come from (a request body, " +
		"a download, a caller, a file the same code writes). A notebook's shell commands (!pip, %pip, %%bash, %run) are " +
		"checked for extra or insecure indexes, unpinned ML packages and remote code.",
	Kinds: []source.Kind{source.Python, source.Notebook},
	Rules: Rules,
	// A .py file's parse comes from pyparse, shared with the config
	// analyzer; a notebook's code cells are parsed here.
	Requires: []*analysis.Analyzer{pyparse.Analyzer},
	Run:      run,
}

// target is the parsed code of one file and the way back to file positions.
type target struct {
	pass *analysis.Pass
	mod  *python.Module
	nb   *notebook.Notebook // nil for a .py file
	// callAt indexes calls by their first byte, built when first needed.
	callAt map[int]*python.Call
	// callOpen indexes calls by their opening parenthesis's token.
	callOpen map[int]*python.Call
	// written and gradio are built when first needed: the literal paths the
	// file writes with a serializer, and the functions Gradio calls.
	written map[string]string
	gradio  map[string]bool
	// stepAdded is set once the file's pipeline-step asset is recorded.
	stepAdded bool
	// viaCaller memoizes callerProv per parameter.
	viaCaller map[*python.Param]prov
	// kerasPin is the project's Keras pin, read when a load_model is first seen.
	kerasPin                  kerasPin
	kerasPinRead, kerasPinned bool
	// assets are the IDs of the assets the call being checked touches,
	// carried by every finding about it.
	assets []string
}

func run(pass *analysis.Pass) error {
	t := &target{pass: pass}
	if pass.Kind == source.Notebook {
		nb, err := notebook.Parse(pass.Content)
		if err != nil {
			return err
		}
		t.nb = nb
		t.mod = python.ParseChunks(nb.Code, nb.Ends)
	} else {
		mod, err := pyparse.Module(pass)
		if err != nil {
			return err
		}
		t.mod = mod
	}
	for i := range t.mod.Calls {
		if i%1024 == 0 && pass.Canceled() {
			return pass.Context.Err()
		}
		t.check(&t.mod.Calls[i])
	}
	if t.nb != nil {
		t.notebookShell()
	}
	return nil
}

// location is where a finding at code offset off (line, col in the parsed
// code) sits in the file.
func (t *target) location(off, line, col int) finding.Location {
	if t.nb == nil {
		return t.pass.Line(line, col)
	}
	p := t.nb.Locate(off)
	loc := t.pass.Line(p.Line, p.Column)
	loc.Cell, loc.CellLine = p.Cell, p.CellLine
	return loc
}

// at is where a finding about call c sits: where its callee starts.
func (t *target) at(c *python.Call) finding.Location { return t.location(c.Start, c.Line, c.Col) }

// evidence is the call's text on one line, shortened to about 120 bytes.
func (t *target) evidence(c *python.Call) string {
	toks := t.mod.Tokens
	src := t.mod.Src
	end := c.Close
	if end < 0 {
		end = c.Open
	}
	first := c.Open
	for first > 0 && int(toks[first-1].Start) >= c.Start {
		first--
	}
	var b []byte
	for k := first; k <= end && k < len(toks); k++ {
		tk := toks[k]
		text := src[tk.Start:tk.End]
		if k > first {
			prev := toks[k-1]
			gap := tk.Start > prev.End
			opener := prev.Kind == python.Op && bytes.ContainsAny(src[prev.Start:prev.End], "([{")
			closer := tk.Kind == python.Op && (bytes.ContainsAny(text, ")]},"))
			if gap && !opener && !closer {
				b = append(b, ' ')
			}
		}
		for _, ch := range text {
			if ch == '\n' || ch == '\r' || ch == '\t' {
				ch = ' '
			}
			if ch == ' ' && len(b) > 0 && b[len(b)-1] == ' ' {
				continue
			}
			b = append(b, ch)
		}
		if len(b) > 160 {
			break
		}
	}
	return shorten(string(b), 120)
}

// shorten cuts s to at most n bytes on a rune boundary, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
