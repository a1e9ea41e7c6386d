package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/boot"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/keep"
	"github.com/blankslate/blankslate/restore"
)

// restoreChildCmd is the hidden subcommand that does the copying of
// `blankslate restore`, in a mount namespace of its own where the kept
// root is mounted read-only.
const restoreChildCmd = "restore-from"

// restoreMount is where the child mounts the kept root, in its namespace.
var restoreMount = filepath.Join(audit.RunDir, "restore-root")

type restoreArgs struct {
	config, from, to string
	force            bool
	paths            []string
}

// runRestore is `blankslate restore PATH… [--from previous|NAME] [--to DIR] [--force]`.
func runRestore(args []string, stdout, stderr io.Writer) int {
	var a restoreArgs
	if !parseWithPaths("restore", args, stderr, &a.paths, func(fs *flag.FlagSet) {
		fs.StringVar(&a.config, "config", "", "configuration `file`")
		fs.StringVar(&a.from, "from", "previous", "the kept root: previous (the newest) or its `name` (blankslate roots)")
		fs.StringVar(&a.to, "to", "/", "restore beneath this `dir`ectory: / (the running root) or the persistent root")
		fs.BoolVar(&a.force, "force", false, "replace files that exist")
	}) {
		return exitUsage
	}
	if err := a.validate(); err != nil {
		report(stderr, "blankslate restore: %v", err)
		return exitUsage
	}
	unlock, ok := takeRunLock("restore", stderr)
	if !ok {
		return exitFailed
	}
	defer unlock()
	cfg, _, err := config.Load(a.config)
	if err != nil {
		report(stderr, "blankslate restore: %v", err)
		return exitUsage
	}
	dataset, err := keptRootDataset(cfg, a.from)
	if err != nil {
		report(stderr, "blankslate restore: %v; nothing was restored", err)
		return exitFailed
	}
	child := []string{restoreChildCmd, "--dataset", dataset, "--to", a.to}
	if a.force {
		child = append(child, "--force")
	}
	code, err := runPrivate(append(append(child, "--"), a.paths...), stdout, stderr)
	if err != nil {
		report(stderr, "blankslate restore: %v; nothing was restored", err)
	}
	return code
}

func (a *restoreArgs) validate() error {
	if len(a.paths) == 0 {
		return fmt.Errorf("name at least one PATH to restore, e.g. blankslate restore /etc/nixos/hardware.nix")
	}
	if !path.IsAbs(a.to) || path.Clean(a.to) != a.to {
		return fmt.Errorf("--to %q must be an absolute, clean path such as / or /persist", a.to)
	}
	for _, p := range a.paths {
		if !path.IsAbs(p) || path.Clean(p) != p || p == "/" {
			return fmt.Errorf("%q must be an absolute, clean path beneath / (not / itself)", p)
		}
	}
	return nil
}

// keptRootDataset names the kept root --from asks for: previous is the
// newest.
func keptRootDataset(cfg *config.Config, from string) (string, error) {
	z, err := libzfs.Open()
	if err != nil {
		return "", err
	}
	defer z.Close()
	roots, err := keep.List(z, cfg.Dataset, cfg.Snapshot)
	if err != nil {
		return "", err
	}
	if len(roots) == 0 {
		return "", fmt.Errorf("there is no kept root in %s (keep.roots = %d: set it above 0 to keep the last boots' roots)", keep.Container(cfg.Dataset), cfg.KeepRoots())
	}
	if from == "previous" {
		return roots[len(roots)-1].Name, nil
	}
	for _, r := range roots {
		if r.Name == keep.Container(cfg.Dataset)+"/"+from {
			return r.Name, nil
		}
	}
	return "", fmt.Errorf("there is no kept root named %q; blankslate roots lists them", from)
}

// runRestoreChild is the copying process itself.
func runRestoreChild(args []string, stdout, stderr io.Writer) int {
	var a restoreArgs
	var dataset string
	if !parseWithPaths(restoreChildCmd, args, stderr, &a.paths, func(fs *flag.FlagSet) {
		fs.StringVar(&dataset, "dataset", "", "the kept root `dataset`")
		fs.StringVar(&a.to, "to", "/", "the target `dir`ectory")
		fs.BoolVar(&a.force, "force", false, "replace files that exist")
	}) {
		return exitUsage
	}
	if err := a.validate(); err != nil || dataset == "" {
		fmt.Fprintf(stderr, "blankslate %s: --dataset, --to and paths are required (it is run by `blankslate restore`)\n", restoreChildCmd)
		return exitUsage
	}
	unmount, err := mountPrivateReadOnly(dataset, restoreMount)
	if err != nil {
		report(stderr, "blankslate restore: %v; nothing was restored", err)
		return exitFailed
	}
	defer unmount()
	return restorePaths(dataset, restoreMount, a, stdout, stderr)
}

// restorePaths copies each path from the kept root mounted at mount.
func restorePaths(dataset, mount string, a restoreArgs, stdout, stderr io.Writer) int {
	from, err := pathsafe.OpenRoot(mount, pathsafe.Root)
	if err != nil {
		report(stderr, "blankslate restore: the kept root %s: %v; nothing was restored", dataset, err)
		return exitFailed
	}
	defer from.Close()
	to, err := pathsafe.OpenRoot(a.to, pathsafe.Root)
	if err != nil {
		report(stderr, "blankslate restore: --to %s: %v; nothing was restored", a.to, err)
		return exitFailed
	}
	defer to.Close()
	report(stdout, "From the kept root %s into %s:", dataset, a.to)
	code := exitOK
	for _, p := range a.paths {
		progress, finish := copyProgress(stderr, "restoring "+beneathTo(a.to, p))
		items, err := restore.Copy(from, to, strings.TrimPrefix(p, "/"), restore.Options{Force: a.force, Progress: progress})
		finish()
		printRestored(stdout, a.to, items)
		if errors.Is(err, restore.ErrMissing) {
			err = fmt.Errorf("it is not in the kept root %s; nothing was restored", dataset)
		}
		if err != nil && len(items) > 0 { // into a directory that was there: no whole to remove
			err = fmt.Errorf("%w; the %d entries listed above were restored before that, the rest was not", err, len(items))
		}
		if err != nil {
			report(stderr, "blankslate restore: %s: %v", p, err)
			code = exitFailed
		}
	}
	return code
}

func printRestored(w io.Writer, to string, items []restore.Item) {
	for _, it := range items {
		size := ""
		if it.Type == "regular file" {
			size = ", " + human.Bytes(uint64(it.Size))
		}
		action := it.Action
		if it.LinkTo != "" {
			action += " to " + beneathTo(to, it.LinkTo)
		}
		report(w, "  %s: %s (%s%s)", beneathTo(to, it.Path), action, it.Type, size)
	}
}

// runLock is the lock restore and adopt take, as the boot steps do: a
// restore or an adoption while persist attaches the same paths would race
// its directories and mounts. Tests point it elsewhere.
var runLock = struct {
	path string
	wait time.Duration
}{boot.LockPath, lockWait}

// takeRunLock takes runLock, or says who holds it.
func takeRunLock(name string, stderr io.Writer) (func(), bool) {
	unlock, err := boot.Lock(runLock.path, runLock.wait)
	if err != nil {
		report(stderr, "blankslate %s: %v", name, err)
		return nil, false
	}
	return unlock, true
}

// report prints one line of a report: whatever names it holds (a kept
// root's, a user's) are escaped, so that it stays one line and sends the
// terminal no control byte.
func report(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, pathsafe.Printable(fmt.Sprintf(format, args...)))
}

// beneathTo names p (absolute) where it is beneath the target to.
func beneathTo(to, p string) string {
	return pathsafe.Join(strings.TrimSuffix(to, "/"), strings.TrimPrefix(p, "/"))
}

// parseWithPaths parses flags that may stand before, between or after the
// paths (the flag package alone stops at the first path); "--" ends the
// flags.
func parseWithPaths(name string, args []string, stderr io.Writer, paths *[]string, define func(*flag.FlagSet)) bool {
	fs := newFlagSet(name, define)
	for {
		if !parseOnce(fs, name, args, stderr) {
			return false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return true
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			*paths = append(*paths, rest...)
			return true
		}
		*paths = append(*paths, rest[0])
		args = rest[1:]
	}
}
