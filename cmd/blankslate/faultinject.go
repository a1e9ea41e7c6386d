//go:build faultinject

package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/boot"
)

// This file exists only in the fault-injection build that the VM power-cut
// tests use (`make vm-test` builds bin/blankslate-faultinject with the build
// tag faultinject); the release binary has no such hook. With
// BLANKSLATE_FAULT_POWER_CUT=STEP in its environment, the binary powers the
// machine off, without a sync, right after the boot step STEP (boot.Steps).

const powerCutEnv = "BLANKSLATE_FAULT_POWER_CUT"

func init() {
	want := boot.Step(os.Getenv(powerCutEnv))
	if want == "" {
		return
	}
	afterStep = func(s boot.Step) {
		if s != want {
			return
		}
		fmt.Fprintf(os.Stderr, "blankslate: WARNING: fault injection: power cut after the %s step (%s)\n", s, powerCutEnv)
		if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
			fmt.Fprintf(os.Stderr, "blankslate: the power cut failed: %v\n", err)
			os.Exit(exitFailed)
		}
	}
}
