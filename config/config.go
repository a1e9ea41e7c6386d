package config

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// DefaultPath is read when no --config is given and the file exists.
const DefaultPath = "/etc/blankslate/config.json"

// Failure policies: what the boot does when a step fails.
const (
	// PolicyEmergency stops the boot in emergency mode: the machine as specified or
	// no machine.
	PolicyEmergency = "emergency"
	// PolicyContinue lets the boot go on, with a crit journal entry saying the root
	// was NOT reset and why.
	PolicyContinue = "continue"
)

// Config is the whole configuration file. Field names are the JSON keys; unknown keys
// are rejected so that a typo ("persistroot") never silently falls back to a default.
type Config struct {
	Pool        string  `json:"pool"`
	Dataset     string  `json:"dataset"`
	Snapshot    string  `json:"snapshot"`
	PersistRoot string  `json:"persistRoot"`
	OnFailure   string  `json:"onFailure"`
	Entries     []Entry `json:"entries"`
	// Audit bounds the record of what each boot's rollback erases (see
	// validate_extra.go); absent, the record is kept with the default limits.
	Audit *Audit `json:"audit,omitempty"`
	// Keep keeps the last boots' roots recoverable (see keep.go); absent, none.
	Keep *Keep `json:"keep,omitempty"`
	// Layout declares the storage layout check compares against (see
	// layout.go); absent, check infers it.
	Layout *Layout `json:"layout,omitempty"`
}

// Entry is one declared path. The persistent copy lives at PersistRoot+Path.
type Entry struct {
	Path  string `json:"path"`
	How   string `json:"how"`   // "bind" or "symlink"
	Type  string `json:"type"`  // "directory" or "file"
	User  string `json:"user"`  // name or decimal id; default "root"
	Group string `json:"group"` // name or decimal id; default "root"
	Mode  string `json:"mode"`  // octal permission bits, e.g. "0755"
}

// SnapshotName is the full name of the blank snapshot, dataset@snapshot.
func (c *Config) SnapshotName() string { return c.Dataset + "@" + c.Snapshot }

// Default is the built-in configuration: exactly the layout in docs/DESIGN.md.
func Default() *Config {
	dir := func(p, how string) Entry {
		return Entry{Path: p, How: how, Type: "directory", User: "root", Group: "root", Mode: "0755"}
	}
	return &Config{
		Pool:        "rpool",
		Dataset:     "rpool/nixos/empty",
		Snapshot:    "start",
		PersistRoot: "/persist",
		OnFailure:   PolicyEmergency,
		Entries: []Entry{
			dir("/etc/nixos", "bind"),
			dir("/etc/ssh", "symlink"),
			dir("/var/log", "bind"),
			dir("/var/lib", "bind"),
			{Path: "/etc/machine-id", How: "symlink", Type: "file", User: "root", Group: "root", Mode: "0444"},
		},
	}
}

// Parse decodes and validates a configuration. Missing optional fields take the
// defaults' values; every error names the key or entry at fault and matches
// ErrInvalid.
func Parse(data []byte) (*Config, error) {
	c, err := parse(data)
	if err != nil {
		return nil, invalid(err)
	}
	return c, nil
}

// parse lists every problem it can find: those of the keys (walkKeys), then, as
// long as the values could be decoded, those of the values (Validate).
func parse(data []byte) (*Config, error) {
	problems, clean, err := walkKeys(data)
	if err != nil {
		return nil, err
	}
	c := &Config{}
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		// A value of the wrong type: what validation would say about the fields
		// left empty would only mislead.
		return nil, listed(append(problems, fmt.Errorf("not valid configuration JSON: %w", err)))
	}
	c.fillDefaults()
	if err := c.Validate(); err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return nil, listed(problems)
	}
	return c, nil
}

// Load reads the configuration: path if given, else DefaultPath if it exists, else
// the built-in default. The second result says where it came from, for the log.
// Every error matches ErrInvalid: the caller must then act as with
// onFailure "emergency".
func Load(path string) (*Config, string, error) {
	return load(path, DefaultPath)
}

func load(path, defaultPath string) (*Config, string, error) {
	if path == "" {
		exists, err := defaultExists(defaultPath)
		if err != nil {
			return nil, defaultPath, invalid(fmt.Errorf("reading configuration: %w", err))
		}
		if !exists {
			return Default(), "built-in default", nil
		}
		path = defaultPath
	}
	data, err := readFile(path)
	if err != nil {
		return nil, path, invalid(fmt.Errorf("reading configuration: %w", err))
	}
	c, err := Parse(data)
	if err != nil {
		return nil, path, invalid(fmt.Errorf("configuration %s: %w", path, err))
	}
	return c, path, nil
}

func (c *Config) fillDefaults() {
	if c.OnFailure == "" {
		c.OnFailure = PolicyEmergency
	}
	if c.PersistRoot == "" {
		c.PersistRoot = "/persist"
	}
	for i := range c.Entries {
		e := &c.Entries[i]
		if e.User == "" {
			e.User = "root"
		}
		if e.Group == "" {
			e.Group = "root"
		}
		if e.Mode == "" {
			e.Mode = "0755"
			if e.Type == "file" {
				e.Mode = "0644"
			}
		}
	}
}
