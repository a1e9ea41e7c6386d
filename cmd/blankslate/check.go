package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/check"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/bootstate"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
)

// runCheck is `blankslate check` (and `--check`): read-only, for a person in a
// rescue shell; exit 0 clean, 1 problems, 2 usage or configuration error.
func runCheck(args []string, stdout, stderr io.Writer) int {
	var c common
	var asJSON, mountCopies bool
	if !parseFlags("check", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&mountCopies, "mount", false, "on a rescue system, mount the persistent dataset read-only in a private mount namespace to check the copies")
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.StringVar(&c.root, "root", "", "the root `dir`ectory whose attachments are checked (default / , in an initrd /sysroot)")
		fs.BoolVar(&asJSON, "json", false, "print JSON (schema "+check.Schema+")")
	}) {
		return exitUsage
	}
	sys := check.DefaultSystem()
	if c.root == "" {
		c.root = map[bool]string{true: defaultRoot, false: "/"}[sys.InInitrd]
	}
	if !filepath.IsAbs(c.root) || filepath.Clean(c.root) != c.root {
		return failed(stdout, stderr, "check", asJSON, check.Schema, resultUsage, exitUsage,
			fmt.Errorf("--root %q must be an absolute, clean path such as / or /sysroot", c.root))
	}
	cfg, from, err := config.Load(c.config)
	if err != nil {
		return printCheck(stdout, stderr, check.ConfigProblems(from, err), asJSON, check.ResultConfigInvalid, exitUsage)
	}
	in := check.Input{Config: cfg, ConfigFrom: from, Root: c.root, Sys: sys}
	if mountCopies {
		// Opt-in: mounting a ZFS dataset, even read-only, can make the pool
		// write metadata of its own, and without --mount check writes nothing.
		in.Copies = copiesIn(c.config)
	}
	if c.root == "/" {
		in.BootState = bootstate.Path // the note is about the system that booted
	}
	if z, err := libzfs.Open(); err != nil {
		in.ZFSErr = err
	} else {
		defer z.Close()
		in.ZFS = z
	}
	rep := check.Run(in)
	if rep.Problems() > 0 {
		return printCheck(stdout, stderr, rep, asJSON, check.ResultProblems, exitFailed)
	}
	return printCheck(stdout, stderr, rep, asJSON, check.ResultClean, exitOK)
}

func printCheck(stdout, stderr io.Writer, rep *check.Report, asJSON bool, result string, exit int) int {
	if !asJSON {
		check.WriteText(stdout, rep, colourOK(stdout))
		return exit
	}
	if err := check.WriteJSON(stdout, rep, version, result, exit); err != nil {
		fmt.Fprintf(stderr, "blankslate check: writing JSON: %v\n", err)
		return exitFailed
	}
	return exit
}

// colourOK: colour only on a terminal, never with NO_COLOR set (no-color.org)
// and never for TERM=dumb or no TERM at all (a serial console, an editor's
// shell buffer), which show escape codes as text.
func colourOK(w io.Writer) bool {
	f, ok := w.(*os.File)
	if term := os.Getenv("TERM"); !ok || os.Getenv("NO_COLOR") != "" || term == "" || term == "dumb" {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
