package model

import "github.com/mlsec/mlsec/internal/pickle"

// limitPickles stops the scan cleanly after n stacked pickles.
// Pending pickle.Options.MaxPickles (requested in the contract).
func limitPickles(o *pickle.Options, n int) { _ = n; _ = o }
