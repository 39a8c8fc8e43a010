package finding

import (
	"encoding/json"
	"testing"
)

func TestLocationString(t *testing.T) {
	for _, tc := range []struct {
		l    Location
		want string
	}{
		{Location{Path: "train.py", Line: 12, Column: 5}, "train.py:12:5"},
		{Location{Path: "model.pt", Member: "archive/data.pkl", Offset: 0x1f, HasOff: true}, "model.pt!archive/data.pkl@0x1f"},
		{Location{Path: "raw.pkl", Offset: 0, HasOff: true}, "raw.pkl@0x0"},
		{Location{Path: "eda.ipynb", Line: 40, Column: 3, Cell: 3, CellLine: 2}, "eda.ipynb:40:3 (cell 3, line 2)"},
		{Location{Path: "requirements.txt"}, "requirements.txt"},
	} {
		if got := tc.l.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestLocationJSON(t *testing.T) {
	for _, tc := range []struct {
		l    Location
		want string
	}{
		{Location{Path: "raw.pkl", HasOff: true}, `{"path":"raw.pkl","offset":0}`},
		{Location{Path: "m.pt", Member: "archive/data.pkl", Offset: 31, HasOff: true}, `{"path":"m.pt","member":"archive/data.pkl","offset":31}`},
		{Location{Path: "a.py", Line: 3, Column: 7}, `{"path":"a.py","line":3,"column":7}`},
	} {
		b, err := json.Marshal(tc.l)
		if err != nil || string(b) != tc.want {
			t.Errorf("got %s (%v), want %s", b, err, tc.want)
		}
		// Read back (mlsec merge reads JSON results), the location is the same.
		var back Location
		if err := json.Unmarshal(b, &back); err != nil || back != tc.l {
			t.Errorf("%s read back as %+v (%v), want %+v", b, back, err, tc.l)
		}
	}
}
