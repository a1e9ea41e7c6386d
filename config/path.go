package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// Linux limits (linux/limits.h): a path, with its NUL, fits PATH_MAX bytes, and
// one component NAME_MAX. A longer path validates here only to fail half-way
// through the boot, with some entries attached and others not.
const (
	pathMax = 4096 - 1 // PATH_MAX less the NUL
	nameMax = 255      // NAME_MAX
)

// checkAbsPath accepts an absolute, clean path that the kernel can take in one
// piece and that prints as one line: no control characters at all, since a
// newline in a path written to the journal would forge a line of its own.
func checkAbsPath(p string) error {
	switch {
	case p == "":
		return errors.New("missing")
	case len(p) > pathMax:
		return fmt.Errorf("%s is %d bytes, longer than %d bytes (PATH_MAX)", shown(p), len(p), pathMax)
	case !filepath.IsAbs(p):
		return fmt.Errorf("%s is not an absolute path", shown(p))
	case strings.Contains(p, "\x00"):
		return fmt.Errorf("%s contains a NUL byte", shown(p))
	}
	for i, r := range p {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s contains a control character (%U at byte %d); paths must be printable", shown(p), r, i)
		}
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." || part == "." {
			return fmt.Errorf("%s contains %q", shown(p), part)
		}
		if len(part) > nameMax {
			return fmt.Errorf("%s has a component longer than %d bytes (NAME_MAX): %s", shown(p), nameMax, shown(part))
		}
	}
	if filepath.Clean(p) != p {
		return fmt.Errorf("%s is not clean (write it as %s)", shown(p), shown(filepath.Clean(p)))
	}
	return nil
}

// notPersistRootIn are the trees a persistent root may not lie in: kernel file
// systems (/proc, /sys, /dev), tmpfs (/run, /tmp), the boot partition, and
// Nix's own trees (the store, read-only, and /nix/var, its database and
// profiles). The rest of /nix may hold it: on NixOS /nix is a file system that
// outlives every boot (the system could not start without its store), and
// /nix/persist is the persistent root of many impermanence set-ups, as in the
// NixOS module's example. The persist step still requires the persistent root
// to be a mount point of its own (boot.requireMountPoint).
var notPersistRootIn = []string{"/proc", "/sys", "/dev", "/run", "/boot", "/tmp", "/nix/store", "/nix/var"}

// checkPersistRoot refuses a persistent root that is / or /nix (whose persistent
// copies could then name the store), or lies in one of notPersistRootIn.
func checkPersistRoot(p string) error {
	if err := checkAbsPath(p); err != nil {
		return fmt.Errorf("persistRoot: %w", err)
	}
	switch p {
	case "/":
		return errors.New("persistRoot \"/\": must be a directory below /, such as /persist")
	case "/nix":
		return errors.New("persistRoot /nix: holds the Nix store; use a directory of its own, such as /persist or /nix/persist")
	}
	for _, bad := range notPersistRootIn {
		if within(p, bad) {
			return fmt.Errorf("persistRoot %s: lies in %s, which is not a persistent dataset mounted beneath the root; use a path such as /persist", shown(p), bad)
		}
	}
	return nil
}

// maxShown bounds how much of a path an error repeats.
const maxShown = 96

// shown prints a path for an error: as it is when it is short and plain,
// else quoted (escapes visible, on one line) and cut at maxShown bytes.
func shown(p string) string {
	cut := ""
	if len(p) > maxShown {
		p, cut = strings.ToValidUTF8(p[:maxShown], ""), "…"
	}
	q := strconv.Quote(p)
	if q[1:len(q)-1] == p && !strings.ContainsAny(p, " \"") {
		return p + cut
	}
	return q + cut
}
