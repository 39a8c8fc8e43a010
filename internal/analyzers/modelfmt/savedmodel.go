package modelfmt

import (
	"github.com/mlsec/mlsec/internal/savedmodel"
)

func readSavedModel(p *pass) ([]*savedmodel.Op, error) {
	g, err := savedmodel.ReadSavedModel(p.Reader, p.Size)
	return g.Sorted(), err
}

func readGraphDef(p *pass) ([]*savedmodel.Op, error) {
	g, err := savedmodel.ReadGraphDef(p.Reader, p.Size)
	return g.Sorted(), err
}

func dangerousOp(op string) (savedmodel.Danger, bool) {
	d, ok := savedmodel.Dangerous[op]
	return d, ok
}
