// Command blankslate resets an ephemeral ZFS root and re-attaches its persistent
// paths at boot. This file holds the command line only: flags, subcommands and exit
// codes; the work is done by the packages it calls.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit statuses (docs/DESIGN.md): a contract that units, tests and users depend on.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "--check":
		name = "check"
	case "version", "--version":
		if wantsHelp(rest) {
			return runHelp("version", stdout, stderr)
		}
		fmt.Fprintf(stdout, "blankslate %s\n", version)
		return exitOK
	case "help", "-h", "-help", "--help":
		switch {
		case len(rest) == 0:
			writeUsage(stdout)
			return exitOK
		case wantsHelp(rest[:1]): // help --help
			return runHelp("help", stdout, stderr)
		}
		return runHelp(rest[0], stdout, stderr)
	}
	r := runner(name)
	if r == nil {
		return unknownCommand(stderr, name)
	}
	if wantsHelp(rest) {
		return runHelp(name, stdout, stderr)
	}
	return r(rest, stdout, stderr)
}
