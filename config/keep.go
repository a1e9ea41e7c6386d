package config

import "fmt"

// Keep configures previous roots (package keep): before the rollback, the
// root of the boot that ended is kept beneath <parent>/blankslate-prev, read-only,
// and the oldest beyond Roots are destroyed. Absent or "roots": 0, none is kept.
type Keep struct {
	Roots *int `json:"roots,omitempty"` // kept roots retained; 0 keeps none
}

// MaxKeepRoots bounds keep.roots: each kept root holds a whole root's data.
const MaxKeepRoots = 100

// KeepRoots is keep.roots, 0 when absent; clamped to 0..MaxKeepRoots like the
// audit limits, so that an unvalidated configuration cannot ask for more.
func (c *Config) KeepRoots() int {
	if c.Keep == nil || c.Keep.Roots == nil {
		return 0
	}
	return clamp(*c.Keep.Roots, 0, MaxKeepRoots)
}

func (c *Config) validateKeep() error {
	if c.Keep == nil || c.Keep.Roots == nil {
		return nil
	}
	if n := *c.Keep.Roots; n < 0 || n > MaxKeepRoots {
		return fmt.Errorf("keep.roots %d: must be between 0 (keep none) and %d", n, MaxKeepRoots)
	}
	return nil
}
