//go:build vm

package testvm

import (
	"testing"
)

// blankslate check and diff on real ZFS: every finding broken,
// reported and repaired; check writes nothing; diff prints exactly what changed.
func TestCheckOnRealZFS(t *testing.T) {
	runScenarios(t, 1, "check-zfs-findings", "check-running-system", "check-changes-nothing")
}

func TestDiffOnRealZFS(t *testing.T) {
	runScenarios(t, 1, "diff-known-changes")
}

// The audit trail, over three boots: boot N's record lists boot N-1's junk.
func TestAuditOnRealZFS(t *testing.T) {
	runScenarios(t, 3, "audit-three-boots")
}
