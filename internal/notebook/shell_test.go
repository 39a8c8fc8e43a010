package notebook

import (
	"strings"
	"testing"
)

// TestShellCommands checks the shell commands blankMagics hands back: their
// text is a verbatim copy of the cell at their offset.
func TestShellCommands(t *testing.T) {
	cell := "!pip install x\n  %pip install -r r.txt\n%run -i prep.py\n%time y = f(x)\n%sx ls -la\n%matplotlib inline\n"
	orig := cell
	b := []byte(cell)
	got := blankMagics(b)
	want := []Shell{
		{Offset: 1, Text: "pip install x"},
		{Offset: 18, Text: "pip install -r r.txt"},
		{Offset: strings.Index(cell, "-i prep"), Text: "-i prep.py", Run: true},
		{Offset: strings.Index(cell, "ls -la"), Text: "ls -la"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("command %d = %+v, want %+v", i, got[i], w)
		}
		if orig[w.Offset:w.Offset+len(w.Text)] != w.Text {
			t.Errorf("command %d is not at its offset", i)
		}
	}
	if k := strings.Index(cell, "%time"); string(b[k:k+15]) != "      y = f(x)\n" {
		t.Errorf("%%time line blanked to %q, want the statement kept", b[k:k+15])
	}
	sh := blankMagics([]byte("%%bash\nwget -O- u | sh\n"))
	if len(sh) != 1 || sh[0].Offset != 7 || sh[0].Text != "wget -O- u | sh\n" {
		t.Errorf("%%%%bash cell: %+v", sh)
	}
}
