package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// initrdRelease marks a systemd initrd; rollback and persist act only there.
// A variable only so that the tests can play an initrd with a file of their own.
var initrdRelease = "/etc/initrd-release"

// common are the flags every acting subcommand shares.
type common struct {
	config string
	force  bool
	root   string
}

// parseFlags parses a subcommand's flags; ok is false on a usage error, already
// reported on stderr.
func parseFlags(name string, args []string, stderr io.Writer, define func(*flag.FlagSet)) bool {
	fs := flag.NewFlagSet("blankslate "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	define(fs)
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "blankslate %s: unexpected argument %q\n", name, fs.Arg(0))
		return false
	}
	return true
}

func inInitrd() bool {
	_, err := os.Stat(initrdRelease)
	return err == nil
}
