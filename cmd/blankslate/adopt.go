package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/blankslate/blankslate/adopt"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/adopted"
)

// runAdopt is `blankslate adopt PATH [--how bind|symlink] [--force]`: make a path of
// the running root persistent now, and say how to declare it.
func runAdopt(args []string, stdout, stderr io.Writer) int {
	var cfgFile, how string
	var force bool
	var paths []string
	if !parseWithPaths("adopt", args, stderr, &paths, func(fs *flag.FlagSet) {
		fs.StringVar(&cfgFile, "config", "", "configuration `file`")
		fs.StringVar(&how, "how", "", "attach it with a bind mount or a symlink (default: bind for a directory, symlink for a file)")
		fs.BoolVar(&force, "force", false, "adopt even while a process holds a file of it open for writing (what it writes next is lost at the next boot)")
	}) {
		return exitUsage
	}
	if len(paths) != 1 || (how != "" && how != "bind" && how != "symlink") {
		fmt.Fprintln(stderr, "blankslate adopt: name one PATH, and --how bind or symlink if at all, e.g. blankslate adopt /srv/data")
		return exitUsage
	}
	unlock, ok := takeRunLock("adopt", stderr)
	if !ok {
		return exitFailed
	}
	defer unlock()
	cfg, _, err := config.Load(cfgFile)
	if err != nil {
		report(stderr, "blankslate adopt: %v", err)
		return exitUsage
	}
	progress, finish := copyProgress(stderr, "copying "+paths[0]+" into "+cfg.PersistRoot)
	res, err := adopt.Adopt(adopt.Request{Path: paths[0], How: how, Config: cfg, Root: "/", FS: adopt.RootDataset(cfg.Dataset), Force: force, Now: time.Now(),
		Progress: progress})
	finish()
	if err != nil {
		report(stderr, "blankslate adopt: %v", err)
		return exitFailed
	}
	printAdopted(stdout, res)
	return exitOK
}

func printAdopted(w io.Writer, res adopt.Result) {
	e := res.Entry
	copied := fmt.Sprintf("copied %d entries into %s, synced and verified (types, sizes, modes, owners, content)", res.Copied, res.Copy)
	if res.Copied == 0 {
		copied = fmt.Sprintf("the identical copy %s was already there", res.Copy)
	}
	if res.Repaired {
		report(w, "%s was adopted already, by a run cut short before it wrote its note: the note is written now (%s attaches %s).", e.Path, res.Action, res.Copy)
		fmt.Fprintln(w)
		printDeclaration(w, e)
		return
	}
	if res.Leftover > 0 {
		report(w, "Removed %d entries of a copy an adoption cut short had left.", res.Leftover)
	}
	report(w, "Adopted %s: %s; %s now.", e.Path, copied, res.Action)
	report(w, "The original is set aside at %s until the next boot erases it.", res.Aside)
	fmt.Fprintln(w)
	printDeclaration(w, e)
}

func printDeclaration(w io.Writer, e config.Entry) {
	report(w, "The next boot attaches %s only once it is declared. With NixOS (then nixos-rebuild boot):", e.Path)
	// The declarations print as they are: the path is adopted.Stateable,
	// and escaping them again would change what they state.
	fmt.Fprintf(w, "  %s\n", adopted.NixLine(e))
	fmt.Fprintf(w, "or in config.json, in \"entries\":\n  %s\n", adopted.JSONEntry(e))
}
