//go:build vm

package testvm

import "testing"

// blankslate check --root from a rescue system on a layout that is not the
// default (pool, datasets, persistent root, compression): it reads the
// rescued system's configuration through its profile's store links, names
// the file, and exits 3 while the persistent dataset is not mounted.
func TestCheckRescuedRootOnRealZFS(t *testing.T) {
	runScenarios(t, 1, "check-rescued-root")
}
