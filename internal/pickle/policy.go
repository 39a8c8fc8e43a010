package pickle

// Policy decides which globals are fine. The zero value allows nothing.
type Policy struct {
	exact  map[string]bool
	module map[string]bool
}

// NewPolicy returns the default-deny policy allowing the union of the profiles' allowlists.
func NewPolicy(profiles ...Profile) *Policy { return &Policy{} }

// Allow adds user allowlist entries "module.name" (exact) or "module.*".
func (p *Policy) Allow(entries ...string) {}
