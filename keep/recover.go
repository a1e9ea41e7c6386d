package keep

import (
	"errors"
	"fmt"
	"strings"

	"github.com/blankslate/blankslate/internal/zfs"
)

// The steps of booting a kept root (BootFrom) and of returning from such a
// boot (Return), in order; AfterStep receives them. doc.go has the design.
const (
	StepBootSnapshot = "boot-snapshot" // <kept>@blankslate-boot-<time> taken
	StepSetAside     = "set-aside"     // D renamed to <parent>/blankslate-blank
	StepBootClone    = "boot-clone"    // <kept>@blankslate-boot-<time> cloned as D
	StepReturnKeep   = "return-keep"   // D (the recovery boot's root) renamed into the container
	StepReturnBlank  = "return-blank"  // <parent>/blankslate-blank renamed back to D
)

// BlankName is the dataset, beside the root dataset, that holds the blank
// root (and with it @start) while a boot runs on a copy of a kept root.
const BlankName = "blankslate-blank"

// BootSnapPrefix begins the name of the snapshot of a kept root that a
// recovery boot's root is a clone of.
const BootSnapPrefix = "blankslate-boot-"

// Blank is the name of the set-aside blank root for the root dataset d.
func Blank(d string) string {
	i := strings.LastIndexByte(d, '/')
	if i < 0 {
		return ""
	}
	return d[:i+1] + BlankName
}

// isBootSnap reports whether origin is <container>/<x>@blankslate-boot-…:
// a dataset cloned from it is (or was) a recovery boot's root.
func isBootSnap(d, origin string) bool {
	fs, snap, ok := zfs.SplitSnapshot(origin)
	prefix := Container(d) + "/"
	return ok && prefix != "/" && strings.HasPrefix(fs, prefix) && !strings.Contains(fs[len(prefix):], "/") &&
		strings.HasPrefix(snap, BootSnapPrefix)
}

// ErrNoSuchRoot is wrapped when a kept root asked for by name does not exist.
var ErrNoSuchRoot = errors.New("no such kept root")

// Resolve turns name (a kept root's last component, e.g. 20261126T015800Z,
// or its full dataset name) into the full name of an existing kept root.
func Resolve(z Reader, d, snap, name string) (string, error) {
	c := Container(d)
	full := name
	if !strings.Contains(name, "/") {
		full = c + "/" + name
	}
	roots, err := List(z, d, snap)
	if err != nil {
		return "", err
	}
	var have []string
	for i := len(roots) - 1; i >= 0; i-- { // newest first, in the keep order
		r := roots[i]
		if r.Name == full && !r.OwnsStart {
			return full, nil
		}
		have = append(have, strings.TrimPrefix(r.Name, c+"/"))
	}
	if len(have) == 0 {
		have = []string{"none"}
	}
	return "", fmt.Errorf("%w: %q is not a kept root in %s (kept roots, newest first: %s; list them with: blankslate roots)",
		ErrNoSuchRoot, name, c, strings.Join(have, ", "))
}

// IsRecoveryRoot reports whether the root dataset is a recovery boot's root:
// a clone of a kept root's boot snapshot, with the blank root set aside.
func IsRecoveryRoot(z Reader, d string) (bool, string, error) {
	if ok, err := exists(z, d); err != nil || !ok {
		return false, "", err
	}
	info, err := z.Info(d)
	if err != nil {
		return false, "", fmt.Errorf("keep: reading %s: %w", d, err)
	}
	return isBootSnap(d, info.Origin), info.Origin, nil
}
