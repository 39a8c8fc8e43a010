package bounds

import (
	"errors"
	"fmt"
	"testing"
)

func TestExceeded(t *testing.T) {
	err := Exceeded("line %d: nested more than %d levels deep", 3, 64)
	if err.Error() != "line 3: nested more than 64 levels deep" || !Is(err) || !Is(fmt.Errorf("parse: %w", err)) {
		t.Errorf("Exceeded = %v, Is = %v", err, Is(err))
	}
	if Is(errors.New("invalid YAML")) || Is(nil) {
		t.Error("an ordinary error is not a limit")
	}
}
