package notebook

import "bytes"

// pythonCellMagics are cell magics whose body is still Python run by the kernel.
var pythonCellMagics = map[string]bool{"time": true, "timeit": true, "capture": true, "prun": true, "debug": true}

// blankMagics turns IPython magics and shell escapes ("%pip …", "!ls",
// "%%bash" cells) into spaces, so the Python parser skips them while every
// byte keeps its place. A cell magic other than a timing one blanks the cell.
func blankMagics(cell []byte) {
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
				blank(cell)
				return
			}
		}
		if j < len(cell) && (cell[j] == '%' || cell[j] == '!') {
			blank(cell[j:end])
		}
		first = false
		i = end + 1
	}
}

func blank(b []byte) {
	for i, c := range b {
		if c != '\n' {
			b[i] = ' '
		}
	}
}
