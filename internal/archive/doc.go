// Package archive reads the containers model files come in — zip (as
// PyTorch, NumPy and Keras write it) and the compressed streams joblib and
// tarfile open — the way the loaders read them rather than the way the
// specifications say they should be. Recognising a container by its first
// bytes is package format's job; this package opens what it recognised.
//
// The zip reader is deliberately lenient: PyTorch's reader ignores CRC
// errors, the encryption flag and local/central name mismatches, so an
// attacker can use any of them to make a strict scanner skip a member that
// torch.load will still unpickle. This reader reads such members anyway and
// records every irregularity as an Anomaly for the caller to report.
//
// Nothing is extracted to disk and member names are plain strings: they are
// never joined to a path.
package archive
