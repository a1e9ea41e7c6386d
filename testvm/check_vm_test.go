//go:build vm

package testvm

import "testing"

func TestCheckProbe(t *testing.T) {
	runScenarios(t, 1, "check-probe")
}
