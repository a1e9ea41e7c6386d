package config

import (
	"errors"
	"fmt"
	"strings"
)

// Layout declares how the machine's storage is meant to be laid out, so that
// `blankslate check` compares against a declaration instead of inferring one.
// Every field is optional; absent means "not declared" (check may infer it),
// and the zero value declares "none" (no reservation, no docker zvol, ARC not
// limited, no secrets).
type Layout struct {
	// ReservePercent is the share of the pool kept free (a reservation), 0..50.
	ReservePercent *int `json:"reservePercent,omitempty"`
	// DockerZvol is the zvol holding docker's storage, e.g. "rpool/docker";
	// "" declares that there is none.
	DockerZvol *string `json:"dockerZvol,omitempty"`
	// ARCMax is zfs_arc_max in bytes; 0 leaves the ARC at ZFS's default.
	ARCMax *uint64 `json:"arcMax,omitempty"`
	// Secrets are absolute paths holding secrets (host keys, tokens) whose
	// persistence and permissions check looks at.
	Secrets *[]string `json:"secrets,omitempty"`
}

// Bounds of the layout settings.
const (
	MaxReservePercent = 50
	// MinARCMax is the smallest zfs_arc_max ZFS honours (64 MiB); it silently
	// ignores a smaller one, so declaring it would only mislead check.
	MinARCMax = 64 << 20
)

// ReservePercent is layout.reservePercent and whether it is declared.
func (c *Config) ReservePercent() (int, bool) {
	if c.Layout == nil || c.Layout.ReservePercent == nil {
		return 0, false
	}
	return *c.Layout.ReservePercent, true
}

// DockerZvol is layout.dockerZvol ("" for none) and whether it is declared.
func (c *Config) DockerZvol() (string, bool) {
	if c.Layout == nil || c.Layout.DockerZvol == nil {
		return "", false
	}
	return *c.Layout.DockerZvol, true
}

// ARCMax is layout.arcMax in bytes (0: ZFS's default) and whether it is declared.
func (c *Config) ARCMax() (uint64, bool) {
	if c.Layout == nil || c.Layout.ARCMax == nil {
		return 0, false
	}
	return *c.Layout.ARCMax, true
}

// Secrets is layout.secrets and whether it is declared; the slice is a copy.
func (c *Config) Secrets() ([]string, bool) {
	if c.Layout == nil || c.Layout.Secrets == nil {
		return nil, false
	}
	return append([]string{}, *c.Layout.Secrets...), true
}

func (c *Config) validateLayout() error {
	l := c.Layout
	if l == nil {
		return nil
	}
	var errs []error
	if p := l.ReservePercent; p != nil && (*p < 0 || *p > MaxReservePercent) {
		errs = append(errs, fmt.Errorf("layout.reservePercent %d: must be between 0 and %d (percent of the pool kept free)", *p, MaxReservePercent))
	}
	if z := l.DockerZvol; z != nil && *z != "" {
		errs = append(errs, c.checkZvol(*z))
	}
	if a := l.ARCMax; a != nil && *a != 0 && *a < MinARCMax {
		errs = append(errs, fmt.Errorf("layout.arcMax %d: ZFS ignores a limit below %d bytes (64 MiB); give 0 for ZFS's default or at least 64 MiB", *a, MinARCMax))
	}
	if s := l.Secrets; s != nil {
		if len(*s) > MaxEntries {
			errs = append(errs, fmt.Errorf("layout.secrets: %d listed, at most %d", len(*s), MaxEntries))
		} else {
			seen := make(map[string]bool, len(*s))
			for i, p := range *s {
				if err := checkAbsPath(p); err != nil {
					errs = append(errs, fmt.Errorf("layout.secrets[%d]: %w", i, err))
				} else if seen[p] {
					errs = append(errs, fmt.Errorf("layout.secrets[%d]: %s is listed twice; keep one", i, shown(p)))
				}
				seen[p] = true
			}
		}
	}
	return errors.Join(errs...)
}

// checkZvol accepts a dataset name in any pool, but neither the dataset rolled
// back at boot nor one beneath it: docker's storage would not survive there.
func (c *Config) checkZvol(z string) error {
	at := fmt.Sprintf("layout.dockerZvol %q", z)
	parts := strings.Split(z, "/")
	switch {
	case len(z) > zfsNameMax:
		return fmt.Errorf("%s: longer than %d characters", at, zfsNameMax)
	case len(parts) < 2:
		return fmt.Errorf("%s: must be a volume inside a pool, such as \"rpool/docker\"; \"\" declares none", at)
	case checkPool(parts[0]) != nil:
		return fmt.Errorf("%s: %q is not a valid pool name", at, parts[0])
	case z == c.Dataset || strings.HasPrefix(z, c.Dataset+"/"):
		return fmt.Errorf("%s: is or lies beneath dataset %s, which is rolled back at every boot; put docker's volume elsewhere, such as %s/docker", at, c.Dataset, c.Pool)
	}
	for _, part := range parts[1:] {
		if !validComponent(part) {
			return fmt.Errorf("%s: component %q is not a valid dataset name (no @, #, spaces or empty parts)", at, part)
		}
	}
	return nil
}
