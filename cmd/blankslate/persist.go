package main

import (
	"fmt"
	"io"
)

func runPersist(args []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "blankslate persist: not implemented in this version")
	return exitFailed
}
