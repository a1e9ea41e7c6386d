package check

import (
	"testing"

	"github.com/blankslate/blankslate/internal/testns"
)

func TestMain(m *testing.M) { testns.Main(m) }

// needNamespace skips a test that mounts unless it runs as root in the private
// namespace (the Nix build sandbox is not root).
func needNamespace(t *testing.T) {
	t.Helper()
	if !testns.Active() {
		t.Skip("mounts file systems: runs only as root (then in a private mount namespace)")
	}
}
