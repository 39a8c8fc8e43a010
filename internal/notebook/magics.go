package notebook

import "bytes"

// pythonCellMagics are cell magics whose body is still Python run by the kernel.
var pythonCellMagics = map[string]bool{"time": true, "timeit": true, "capture": true, "prun": true, "debug": true}

// pythonLineMagics are line magics whose argument is a Python statement run
// by the kernel ("%time model = torch.load(p)"): only the magic's name is
// blanked, so the call stays visible to the parser.
var pythonLineMagics = map[string]bool{"time": true, "timeit": true, "prun": true, "debug": true}

// shellCellMagics are cell magics whose body is a shell script.
var shellCellMagics = map[string]bool{"bash": true, "sh": true, "script": true, "system": true}

// shellLineMagics are line magics whose argument is a shell command line,
// kept with the magic's name when it is the program ("%pip install x").
var shellLineMagics = map[string]bool{"pip": true, "conda": true, "mamba": true, "sx": true, "system": true, "sh": true}

// Shell is a shell command a notebook runs: a "!cmd" escape, a %pip or
// %conda magic, the body of a %%bash cell; or a "%run file" (Run set).
type Shell struct {
	// Offset is where Text starts in Notebook.Code; Text is a verbatim
	// copy of Code from there (before magics were blanked), so an offset
	// in Text plus Offset is an offset in Code.
	Offset int
	Text   string
	Run    bool // a %run magic: Text is its argument line
}

// blankMagics turns IPython magics and shell escapes ("%pip …", "!ls",
// "%%bash" cells) into spaces, so the Python parser skips them while every
// byte keeps its place. A cell magic other than a timing one blanks the cell.
// It returns the shell commands it blanked, with offsets in cell.
func blankMagics(cell []byte) []Shell {
	var out []Shell
	first := true
	for i := 0; i < len(cell); {
		j := i
		for j < len(cell) && (cell[j] == ' ' || cell[j] == '\t') {
			j++
		}
		end := bytes.IndexByte(cell[i:], '\n')
		if end < 0 {
			end = len(cell)
		} else {
			end += i
		}
		if first && bytes.HasPrefix(cell[j:], []byte("%%")) {
			name := cell[j+2 : end]
			if k := bytes.IndexAny(name, " \t\r"); k >= 0 {
				name = name[:k]
			}
			if !pythonCellMagics[string(name)] {
				if shellCellMagics[string(name)] && end < len(cell) {
					script := string(name) != "script" || bytes.Contains(cell[j:end], []byte("sh"))
					if script {
						out = append(out, Shell{Offset: end + 1, Text: string(cell[end+1:])})
					}
				}
				blank(cell)
				return out
			}
		}
		if j < len(cell) && (cell[j] == '%' || cell[j] == '!') {
			line := cell[j:end]
			switch {
			case line[0] == '!':
				k := 1
				if len(line) > 1 && line[1] == '!' {
					k = 2
				}
				out = append(out, Shell{Offset: j + k, Text: string(line[k:])})
				blank(line)
			case len(line) > 1 && line[1] != '%':
				name := line[1:]
				if k := bytes.IndexAny(name, " \t\r"); k >= 0 {
					name = name[:k]
				}
				n := string(name)
				switch {
				case pythonLineMagics[n]:
					blank(line[:1+len(name)]) // keep the statement
				case n == "run":
					arg := bytes.TrimLeft(line[1+len(name):], " \t")
					out = append(out, Shell{Offset: end - len(arg), Text: string(arg), Run: true})
					blank(line)
				case shellLineMagics[n]:
					if n == "pip" || n == "conda" || n == "mamba" {
						out = append(out, Shell{Offset: j + 1, Text: string(line[1:])})
					} else {
						arg := bytes.TrimLeft(line[1+len(name):], " \t")
						out = append(out, Shell{Offset: end - len(arg), Text: string(arg)})
					}
					blank(line)
				default:
					blank(line)
				}
			default:
				blank(line)
			}
		}
		first = false
		i = end + 1
	}
	return out
}

func blank(b []byte) {
	for i, c := range b {
		if c != '\n' {
			b[i] = ' '
		}
	}
}
