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

const usage = `usage:
  blankslate rollback [--config FILE] [--force]
  blankslate persist  [--config FILE] [--root DIR] [--force] [--verbose]
  blankslate audit    [--config FILE] [--root DIR]
  blankslate check    [--config FILE] [--root DIR] [--json] [--mount]
  blankslate diff     [--config FILE] [--json]
  blankslate validate [--config FILE]
  blankslate roots    [--config FILE] [--json]
  blankslate restore  PATH… [--from previous|NAME] [--to DIR] [--force] [--config FILE]
  blankslate adopt    PATH [--how bind|symlink] [--config FILE]
  blankslate version

Without --config, /etc/blankslate/config.json is read if it exists, else the
built-in default layout. Exit status: 0 ok, 1 the step failed or check found a
problem, 2 usage or configuration error.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "rollback":
		return runRollback(rest, stderr)
	case "persist":
		return runPersist(rest, stderr)
	case "audit":
		return runAudit(rest, stderr)
	case "check", "--check":
		return runCheck(rest, stdout, stderr)
	case "diff":
		return runDiff(rest, stdout, stderr)
	case "roots":
		return runRoots(rest, stdout, stderr)
	case "validate":
		return runValidate(rest, stdout, stderr)
	case "adopt":
		return runAdopt(rest, stdout, stderr)
	case "restore":
		return runRestore(rest, stdout, stderr)
	case auditListCmd: // not in the usage: the rollback step runs it
		return runAuditList(rest, stdout, stderr)
	case restoreChildCmd: // not in the usage: restore runs it
		return runRestoreChild(rest, stdout, stderr)
	case checkCopiesCmd: // not in the usage: check runs it on a rescue system
		return runCheckCopies(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "blankslate %s\n", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "blankslate: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}
