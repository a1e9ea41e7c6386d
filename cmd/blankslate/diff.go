package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/blankslate/blankslate/check"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/rootdiff"
)

// runDiff is `blankslate diff`: what the next boot erases, from libzfs's
// zfs_show_diffs; exit 0 listed, 1 it could not be listed, 2 usage or config.
// With --json a failure is a JSON object too (jsonfail.go).
func runDiff(args []string, stdout, stderr io.Writer) int {
	var c common
	var asJSON bool
	if !parseFlags("diff", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.BoolVar(&asJSON, "json", false, "print JSON (schema "+rootdiff.Schema+")")
	}) {
		return exitUsage
	}
	fail := func(result string, exit int, err error) int {
		return failed(stdout, stderr, "diff", asJSON, rootdiff.Schema, result, exit, err)
	}
	cfg, _, err := config.Load(c.config)
	if err != nil {
		return fail(resultConfigInvalid, exitUsage, err)
	}
	z, err := libzfs.Open()
	if err != nil {
		return fail(resultFailed, exitFailed, err)
	}
	defer z.Close()
	rep, err := rootdiff.Collect(z, cfg, mountPoints())
	if err != nil {
		return fail(resultFailed, exitFailed, fmt.Errorf("%w; nothing was changed", err))
	}
	if !asJSON {
		rootdiff.WriteText(stdout, rep)
		return exitOK
	}
	if err := rootdiff.WriteJSON(stdout, rep, version); err != nil {
		fmt.Fprintf(stderr, "blankslate diff: writing JSON: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// mountPoints lists this system's mount points; none when mountinfo cannot be
// read (diff then lists the attach points too, which costs nothing but noise).
func mountPoints() []string {
	ms, err := check.DefaultSystem().Mounts()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Point)
	}
	return out
}
