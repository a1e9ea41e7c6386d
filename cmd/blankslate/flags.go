package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
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
	fs := newFlagSet(name, define)
	if !parseOnce(fs, name, args, stderr) {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "blankslate %s: unexpected argument %q\nRun blankslate help %s for its arguments and flags.\n", name, fs.Arg(0), name)
		return false
	}
	return true
}

// newFlagSet is a subcommand's flag set. It writes nothing itself: parseOnce
// reports errors and help in words of its own.
func newFlagSet(name string, define func(*flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet("blankslate "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	define(fs)
	return fs
}

// parseOnce parses args into fs. -h/--help writes the command's help to w (run
// hands it stdout then); any other error is reported on w with the nearest flag.
func parseOnce(fs *flag.FlagSet, name string, args []string, w io.Writer) bool {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return true
	case errors.Is(err, flag.ErrHelp):
		c, ok := lookup(name)
		if !ok {
			c = command{name: name}
		}
		writeHelp(w, c, fs)
		return false
	}
	// The flag package's own words name the flag with one dash, whichever was
	// typed; the message is rebuilt to name it as this help does.
	if bad, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
		fmt.Fprintf(w, "blankslate %s: unknown flag --%s", name, bad)
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if near := nearest(bad, names); near != "" {
			fmt.Fprintf(w, "; did you mean --%s?", near)
		}
	} else {
		fmt.Fprintf(w, "blankslate %s: %v", name, err)
	}
	fmt.Fprintf(w, "\nRun blankslate help %s for its flags.\n", name)
	return false
}

func inInitrd() bool {
	_, err := os.Stat(initrdRelease)
	return err == nil
}
