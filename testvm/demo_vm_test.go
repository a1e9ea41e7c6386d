//go:build vm

package testvm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestDemo is `make demo` in `make test`: the same function, the same guest
// scenario and the same assertions, on a disk of its own. Its second boot lists
// a root set aside, after a systemd switch-root with the blank root at `/`, and
// fails unless the record names the junk boot 1 wrote.
func TestDemo(t *testing.T) {
	t.Parallel()
	env, _, _, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	dir := filepath.Join(env.WorkDir, "demo")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = env.Demo(context.Background(), dir, "guest", "../systemd", &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
}
