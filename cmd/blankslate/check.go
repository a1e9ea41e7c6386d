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
// rescue shell; exit 0 clean, 1 problems, 2 usage or configuration error,
// 3 no problem found but a part not checked (check.ExitNotChecked).
func runCheck(args []string, stdout, stderr io.Writer) int {
	var c common
	var asJSON, mountCopies, all bool
	if !parseFlags("check", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&all, "all", false, "list the ok findings too (by default they are counted)")
		fs.BoolVar(&mountCopies, "mount", false, "on a rescue system, mount the persistent dataset read-only in a private mount namespace to check the copies")
		fs.StringVar(&c.config, "config", "", "configuration `file` (default: with --root DIR outside an initrd, the one of the system under DIR; else /etc/blankslate/config.json)")
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
	rescued := !sys.InInitrd && c.root != "/"
	cfg, from, err := checkConfig(c.config, c.root, rescued)
	out := checkOutput{stdout: stdout, stderr: stderr, json: asJSON, all: all}
	if err != nil {
		return out.print(check.ConfigProblems(from, err), check.ResultConfigInvalid, exitUsage)
	}
	in := check.Input{Config: cfg, ConfigFrom: from, Root: c.root, Sys: sys, Rescued: rescued}
	if mountCopies {
		// Opt-in: mounting a ZFS dataset, even read-only, can make the pool
		// write metadata of its own, and without --mount check writes nothing.
		in.Copies = copiesIn(c.config, map[bool]string{true: c.root}[rescued && c.config == ""])
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
	exit, result := rep.Outcome()
	return out.print(rep, result, exit)
}

// checkConfig loads the configuration check judges by: --config when given;
// for a rescued system (--root DIR outside an initrd), the one that system
// keeps beneath DIR (check.LoadConfigUnder), never the rescue system's own; else
// what the boot reads.
func checkConfig(file, root string, rescued bool) (*config.Config, string, error) {
	if file == "" && rescued {
		return check.LoadConfigUnder(root)
	}
	return config.Load(file)
}

// checkOutput is where and how check prints its report.
type checkOutput struct {
	stdout, stderr io.Writer
	json, all      bool
}

func (o checkOutput) print(rep *check.Report, result string, exit int) int {
	if !o.json {
		check.WriteText(o.stdout, rep, check.TextOptions{Colour: colourOK(o.stdout), All: o.all, Width: termWidth(o.stdout)})
		return exit
	}
	if err := check.WriteJSON(o.stdout, rep, version, result, exit); err != nil {
		fmt.Fprintf(o.stderr, "blankslate check: writing JSON: %v\n", err)
		return exitFailed
	}
	return exit
}

// termWidth is the terminal's width in columns when w is one, else 0 (no
// wrapping: a pipe or a file gets whole lines for grep).
func termWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 0
	}
	return int(ws.Col)
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
