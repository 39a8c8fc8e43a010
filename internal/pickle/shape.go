package pickle

import (
	"github.com/mlsec/mlsec/internal/rule"
)

// Severity of an unknown global by the shape of its use.
//
// A global outside every allowlist is not dangerous by name, but how the
// stream uses it says a lot: pickle rebuilds instances of a custom class
// through a reconstructor (copyreg._reconstructor, copyreg.__newobj__),
// NEWOBJ with plain arguments, or a call without data followed by BUILD
// with a state dict. That is a class of the model's own code (low). An
// unknown callable given strings, bytes or the results of other calls, or
// whose result is called in turn, is how a payload runs through a function
// nobody listed (high). Anything else stays medium.

// shape counts the uses of one unknown global in a stream.
type shape struct {
	refs    int32 // references (GLOBAL, STACK_GLOBAL, INST)
	rebuilt int32 // uses as a class being rebuilt
	plain   int32 // calls with plain arguments, not (yet) followed by BUILD with a state dict
	high    bool  // called with data that could be code, or its result called again
	why     string
}

// unknownShape returns the shape record of the unknown-global issue behind
// v, or nil when v is not such a global.
func (m *machine) unknownShape(v *value) *shape {
	if v.k != kGlobal || v.x == nil || v.x.g == nil || v.x.g.class != ClassUnknownGlobal || v.x.issue < 0 {
		return nil
	}
	if m.shapes == nil {
		m.shapes = map[int32]*shape{}
	}
	sh := m.shapes[v.x.issue]
	if sh == nil {
		sh = &shape{}
		m.shapes[v.x.issue] = sh
	}
	return sh
}

// codeLike reports whether a call argument is data that could carry code:
// a string, bytes, or the result of another call.
func codeLike(v *value) bool {
	switch v.k {
	case kStr, kBytes, kCall, kPers:
		return true
	case kTuple, kList:
		if v.x != nil {
			for i := range v.x.args {
				if codeLike(&v.x.args[i]) {
					return true
				}
			}
		}
	}
	return false
}

// reconstructors rebuild an instance of the class given as their first argument.
var reconstructors = map[string]bool{
	"copyreg._reconstructor": true, "copyreg.__newobj__": true, "copyreg.__newobj_ex__": true,
}

// shapeCall records how a call uses unknown globals: as the callee, as the
// class given to a reconstructor, or as a callee whose result is called.
func (m *machine) shapeCall(callee, res, args *value, op string) {
	switch callee.k {
	case kCall:
		// The result of a call called again.
		if c := callee.x.callee; c != nil {
			if sh := m.unknownShape(c); sh != nil {
				sh.high = true
				sh.why = "its result is called again (" + renderCall(res) + ")"
			}
		}
		return
	case kGlobal:
	default:
		return
	}
	if reconstructors[callee.x.g.canon] {
		if len(res.x.args) > 0 {
			if sh := m.unknownShape(&res.x.args[0]); sh != nil {
				sh.rebuilt++
			}
		}
		return
	}
	sh := m.unknownShape(callee)
	if sh == nil {
		return
	}
	if args.flags()&flDataArg != 0 && op != "NEWOBJ" && op != "NEWOBJ_EX" {
		sh.high = true
		sh.why = "it is called with bytes (" + renderCall(res) + ")"
		return
	}
	for i := range res.x.args {
		if codeLike(&res.x.args[i]) && op != "NEWOBJ" && op != "NEWOBJ_EX" {
			sh.high = true
			sh.why = "it is called with strings, bytes or the result of another call (" + renderCall(res) + ")"
			return
		}
	}
	if op == "NEWOBJ" || op == "NEWOBJ_EX" {
		// cls.__new__(cls, …): only a class can be rebuilt this way.
		sh.rebuilt++
		return
	}
	sh.plain++
}

// shapeBuild records BUILD with a state dict on the result of a plain call
// of an unknown global: the way pickle restores a custom object's __dict__.
func (m *machine) shapeBuild(obj, state *value) {
	if obj.k != kCall || obj.x == nil || obj.x.callee == nil || state.k != kDict && state.k != kTuple {
		return
	}
	if sh := m.unknownShape(obj.x.callee); sh != nil && sh.plain > 0 {
		sh.plain--
		sh.rebuilt++
	}
}

// finishShapes sets the severity of each unknown-global issue from the uses
// recorded while the stream was read.
func (m *machine) finishShapes() {
	for idx, sh := range m.shapes {
		if int(idx) >= len(m.res.Issues) {
			continue
		}
		is := &m.res.Issues[idx]
		if is.Class != ClassUnknownGlobal {
			continue
		}
		switch {
		case sh.high:
			is.Severity = max(is.Severity, rule.High)
			is.SeverityReason = "a callable outside the allowlists to which " + sh.why
			is.Message += "; " + sh.why + ", which is how a payload runs through a function nobody listed"
		case sh.rebuilt > 0 && sh.plain == 0 && sh.rebuilt >= sh.refs && is.Severity <= rule.Medium:
			is.Severity = rule.Low
			is.SeverityReason = "rebuilt the way pickle rebuilds instances of a custom class (reconstructor, NEWOBJ, or BUILD with a state dict), never called with data"
			is.Message = "loading the pickle rebuilds an instance of " + qualified(*is) +
				", a class outside the allowlists; if it is part of your own code, add \"" + qualified(*is) + "\" to model.allow in .mlsec.yaml"
		}
	}
}

// qualified is module.name of a global issue.
func qualified(is Issue) string {
	if is.Module == "" {
		return is.Name
	}
	return is.Module + "." + is.Name
}
