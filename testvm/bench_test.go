//go:build vm && bench

package testvm

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

var benchLine = regexp.MustCompile(`(?m)^BENCH .*$`)

// TestBench boots the benchmark scenarios and writes what they measured to
// BLANKSLATE_BENCH_OUT (make bench: bench/results.md). Numbers come from the guest
// under software emulation: compare them with each other, not with hardware.
func TestBench(t *testing.T) {
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	var lines []string
	for _, name := range []string{"bench-rollback", "persist-1000-entries"} {
		r := env.RunScenario(context.Background(), golden, initrd, name, 1)
		fmt.Println(r)
		if !r.Passed {
			t.Fatalf("%s: %s\n%s", name, r.Why, r.Console)
		}
		lines = append(lines, benchLine.FindAllString(r.Console, -1)...)
	}
	st, err := os.Stat(env.Binary)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# blankslate benchmark results\n\n")
	fmt.Fprintf(&b, "Measured %s by `make bench`: qemu TCG (software emulation), 1 vCPU, guest kernel %s, OpenZFS 2.3.\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), env.KVer)
	fmt.Fprintf(&b, "Times are guest wall clock under emulation; compare rows with each other.\n\n")
	fmt.Fprintf(&b, "static binary: %d bytes (%.1f MiB)\n\n```\n%s\n```\n", st.Size(), float64(st.Size())/(1<<20), strings.Join(lines, "\n"))
	fmt.Print(b.String())
	if out := os.Getenv("BLANKSLATE_BENCH_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
