package main

import (
	"fmt"
	"io"
)

// runCheck and runDiff are the read-only commands; they are not built yet.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "blankslate check: not implemented in this version")
	return exitFailed
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "blankslate diff: not implemented in this version")
	return exitFailed
}
