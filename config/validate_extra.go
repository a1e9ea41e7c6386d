package config

import (
	"errors"
	"fmt"
	"time"
)

// Audit configures the audit trail: blankslate records what the rollback
// erases (the bytes, the top-level entries of the root, and the list of
// changed files within the limits); persist copies the record to
// <persistRoot>/var/log/blankslate and keeps the last Keep. By default the
// root is set aside at boot and listed after switch-root by `blankslate
// audit` (blankslate-audit.service), so that the boot does no work that grows
// with what the last boot wrote; with ListAfterBoot false the listing runs in
// the initrd, before the rollback. Every field is optional.
type Audit struct {
	Enable        *bool `json:"enable,omitempty"`        // default true
	MaxFiles      *int  `json:"maxFiles,omitempty"`      // changed files listed; 0: none. Default 10000
	MaxSeconds    *int  `json:"maxSeconds,omitempty"`    // time for the listing. Default 5
	Keep          *int  `json:"keep,omitempty"`          // records kept. Default 30
	ListAfterBoot *bool `json:"listAfterBoot,omitempty"` // default true (docs/audit.md)
}

// Defaults and bounds of the audit settings.
const (
	DefaultAuditMaxFiles   = 10000
	DefaultAuditMaxSeconds = 5
	DefaultAuditKeep       = 30
	maxAuditFiles          = 1000000
	maxAuditSeconds        = 300
	maxAuditKeep           = 10000
)

// AuditLimits are the audit settings with the defaults filled in.
type AuditLimits struct {
	Enabled bool
	// AfterBoot: set the root aside at boot and list it after switch-root.
	AfterBoot bool
	MaxFiles  int
	MaxTime   time.Duration
	// StartWithin is not a setting: the listing after boot sets it. When set,
	// MaxTime counts from the first changed path zfs diff reports, and the
	// diff must report one (or end) within StartWithin, else the listing
	// failed; when 0, MaxTime counts from the listing's start (the initrd's
	// listing, on the boot's critical path).
	StartWithin time.Duration
	Keep        int
}

// AuditLimits resolves the audit settings. Values outside the bounds that
// ValidateExtra rejects are clamped, so that a configuration that was not
// validated cannot make the boot list without end.
func (c *Config) AuditLimits() AuditLimits {
	l := AuditLimits{Enabled: true, AfterBoot: true, MaxFiles: DefaultAuditMaxFiles, MaxTime: DefaultAuditMaxSeconds * time.Second, Keep: DefaultAuditKeep}
	a := c.Audit
	if a == nil {
		return l
	}
	if a.Enable != nil {
		l.Enabled = *a.Enable
	}
	if a.ListAfterBoot != nil {
		l.AfterBoot = *a.ListAfterBoot
	}
	if a.MaxFiles != nil {
		l.MaxFiles = clamp(*a.MaxFiles, 0, maxAuditFiles)
	}
	if a.MaxSeconds != nil {
		l.MaxTime = time.Duration(clamp(*a.MaxSeconds, 1, maxAuditSeconds)) * time.Second
	}
	if a.Keep != nil {
		l.Keep = clamp(*a.Keep, 1, maxAuditKeep)
	}
	return l
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// ValidateExtra checks the settings added after the first release (the audit
// trail, kept roots, the layout); Validate includes its result.
func (c *Config) ValidateExtra() error {
	errs := []error{c.validateKeep(), c.validateLayout()}
	a := c.Audit
	if a == nil {
		return errors.Join(errs...)
	}
	check := func(name string, v *int, lo, hi int) {
		if v != nil && (*v < lo || *v > hi) {
			errs = append(errs, fmt.Errorf("audit.%s %d: must be between %d and %d", name, *v, lo, hi))
		}
	}
	check("maxFiles", a.MaxFiles, 0, maxAuditFiles)
	check("maxSeconds", a.MaxSeconds, 1, maxAuditSeconds)
	check("keep", a.Keep, 1, maxAuditKeep)
	return errors.Join(errs...)
}
