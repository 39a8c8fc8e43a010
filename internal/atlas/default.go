package atlas

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// catalogJSON is written by ./gen from ATLAS.yaml; see doc.go.
//
//go:embed catalog.json
var catalogJSON []byte

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// Default returns the catalog embedded in mlsec, decoded on first use. It
// panics if the embedded data is broken, which the package tests rule out.
// Callers must not modify it.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := ReadJSON(bytes.NewReader(catalogJSON))
		if err != nil {
			panic("atlas: embedded catalog.json: " + err.Error())
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

// Load reads a catalog from an ATLAS.yaml file, for --atlas-data. Phases
// still come from mlsec's own phases.txt.
func Load(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ATLAS data: %w", err)
	}
	defer f.Close()
	c, err := ParseYAML(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// WriteJSON writes the catalog as compact JSON followed by a newline. The
// output is deterministic because every list in a Catalog is sorted.
func WriteJSON(w io.Writer, c *Catalog) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadJSON reads a catalog written by WriteJSON.
func ReadJSON(r io.Reader) (*Catalog, error) {
	var c Catalog
	if err := json.NewDecoder(r).Decode(&c); err != nil {
		return nil, fmt.Errorf("decoding ATLAS catalog JSON: %w", err)
	}
	if len(c.Techniques) == 0 {
		return nil, fmt.Errorf("ATLAS catalog JSON has no techniques")
	}
	c.link()
	return &c, nil
}
