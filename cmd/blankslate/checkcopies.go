package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/check"
)

// checkCopiesCmd is the hidden subcommand that checks the persistent
// copies for `blankslate check` on a rescue system: in a mount namespace
// of its own, with the persistent dataset mounted read-only.
const checkCopiesCmd = "check-copies"

// rescueDir is a tmpfs in the child's namespace holding an empty stand-in
// for the root and the mount point of the persistent dataset.
var rescueDir = filepath.Join(audit.RunDir, "rescue")

// maxCopiesOutput bounds what the parent reads of the child's findings.
const maxCopiesOutput = 1 << 20

// copiesIn returns the check.CopiesFunc that runs the child, which reads
// the same configuration: configFile, or with root the one of the system
// under root (check.LoadConfigUnder).
func copiesIn(configFile, root string) check.CopiesFunc {
	return func(dataset string) ([]check.Finding, error) {
		var out, errOut bytes.Buffer
		code, err := runPrivate([]string{checkCopiesCmd, "--dataset", dataset, "--config", configFile, "--root", root},
			&limitedWriter{w: &out, n: maxCopiesOutput}, &limitedWriter{w: &errOut, n: 64 << 10})
		if err == nil && code != exitOK {
			err = fmt.Errorf("%s", strings.TrimSpace(errOut.String()))
		}
		if err != nil {
			return nil, err
		}
		var fs []check.Finding
		if err := json.Unmarshal(out.Bytes(), &fs); err != nil {
			return nil, fmt.Errorf("reading the findings of %s: %w", checkCopiesCmd, err)
		}
		return fs, nil
	}
}

// runCheckCopies is the child: its findings, as a JSON array, on stdout.
func runCheckCopies(args []string, stdout, stderr io.Writer) int {
	var dataset, configFile, under string
	if !parseFlags(checkCopiesCmd, args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&dataset, "dataset", "", "the persistent `dataset`")
		fs.StringVar(&configFile, "config", "", "configuration `file`")
		fs.StringVar(&under, "root", "", "read the configuration of the system under `dir`")
	}) || dataset == "" {
		return exitUsage
	}
	cfg, _, err := checkConfig(configFile, under, under != "")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	root, persist, err := rescueMounts(dataset)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	defer unix.Unmount(rescueDir, unix.MNT_DETACH)
	defer unix.Unmount(persist, unix.MNT_DETACH)
	return printJSON(stdout, check.Copies(cfg, root, persist))
}

// rescueMounts lays out the child's tmpfs: an empty root, and the
// persistent dataset mounted read-only.
func rescueMounts(dataset string) (root, persist string, err error) {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return "", "", fmt.Errorf("making the mount namespace private: %w", err)
	}
	if err := os.MkdirAll(rescueDir, 0o700); err != nil {
		return "", "", err
	}
	if err := unix.Mount("tmpfs", rescueDir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
		return "", "", fmt.Errorf("mounting a tmpfs at %s: %w", rescueDir, err)
	}
	root, persist = filepath.Join(rescueDir, "root"), filepath.Join(rescueDir, "persist")
	for _, d := range []string{root, persist} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return "", "", err
		}
	}
	flags := uintptr(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	if err := unix.Mount(dataset, persist, "zfs", flags, ""); err != nil {
		return "", "", fmt.Errorf("mounting %s read-only: %w", dataset, err)
	}
	return root, persist, nil
}
