//go:build vm

package testvm

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestConvert runs the ZFS and blankslate steps of docs/convert.md, in its order, on
// a disk laid out as an installed root that keeps everything (guest scenario
// convert): the blank root and its @start and the persistent dataset made, the old
// root copied in and the declared paths moved to /persist (boot 1); the first boot
// with blankslate.rollback=skip, where diff must list the forgotten paths and adopt
// keeps them (boot 2); a normal boot (boot 3), where every declared or adopted path
// must have the checksum it had on the old root and the old root's junk must be gone.
func TestConvert(t *testing.T) {
	t.Parallel()
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	const guest = "convert"
	steps := []Step{
		{Guest: guest, Initrd: initrd},
		{Guest: guest, Initrd: initrd, Append: "blankslate.rollback=skip"},
		{Guest: guest, Initrd: initrd},
	}
	r := env.RunSteps(context.Background(), golden, guest, steps)
	printConvertEvidence(r.Console, "=== boot", "CONVERT-", "--- docs/convert.md")
	report(t, r)
}

// printConvertEvidence prints the console lines that start with one of prefixes.
func printConvertEvidence(console string, prefixes ...string) {
	for _, l := range strings.Split(console, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				fmt.Println(l)
				break
			}
		}
	}
}
