// Package bounds marks the errors that say a parser stopped at one of
// mlsec's limits on hostile input (nesting depth, document count, alias
// expansion, file size) rather than at a syntax error.
//
// The difference decides the verdict: a text file that merely does not
// parse is reported as not analyzed (invalid fixtures are common), but one
// that hit a bound may be built to hide something from the scanner, so the
// scan is incomplete (exit 2).
package bounds

import (
	"errors"
	"fmt"
)

// ErrExceeded is wrapped by every error that reports a limit hit.
var ErrExceeded = errors.New("limit exceeded")

type exceeded struct{ msg string }

func (e *exceeded) Error() string { return e.msg }
func (e *exceeded) Unwrap() error { return ErrExceeded }

// Exceeded returns an error, formatted as fmt.Errorf formats, that
// errors.Is recognises as ErrExceeded.
func Exceeded(format string, args ...any) error {
	return &exceeded{msg: fmt.Sprintf(format, args...)}
}

// Is reports whether err says a limit was hit.
func Is(err error) bool { return errors.Is(err, ErrExceeded) }
