//go:build vm

package testvm

import (
	"context"
	"testing"
)

// TestKeepOrderOnASteppedClock boots one disk four times with the guest
// clock stepped forward, back, then forward short of the first step
// (guest scenario keep-clock): keep.roots prunes the root kept first, and
// blankslate roots and restore take the root kept last as the newest,
// whatever the times in their names say.
func TestKeepOrderOnASteppedClock(t *testing.T) {
	t.Parallel()
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	const guest = "keep-clock"
	var steps []Step
	for _, clock := range []string{"2031-06-01T00:00:00", "2031-06-01T12:00:00", "2027-01-01T00:00:00", "2029-01-01T00:00:00"} {
		steps = append(steps, Step{Guest: guest, Initrd: initrd, Append: "bstest.clock=" + clock})
	}
	report(t, env.RunSteps(context.Background(), golden, guest, steps))
}
