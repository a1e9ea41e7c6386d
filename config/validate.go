package config

import (
	"errors"
	"fmt"
	"strings"
)

// zfsNameMax is ZFS_MAX_DATASET_NAME_LEN (include/sys/fs/zfs.h) less its NUL.
const zfsNameMax = 255

// reservedPools are names zpool(8) refuses for a pool (module/zcommon/zfs_namecheck.c).
var reservedPools = []string{"mirror", "raidz", "draid", "spare", "log"}

// MaxEntries bounds the entries of a configuration: each is a mount or a symlink
// made during the boot, and 100,000 is far beyond any real machine while keeping
// validation well under a second.
const MaxEntries = 100000

// notPersistable are trees that are never on the root dataset, so an entry there
// would attach over a kernel filesystem or another dataset.
var notPersistable = []string{"/", "/proc", "/sys", "/dev", "/run", "/nix", "/boot", "/tmp"}

// Validate checks the whole configuration and returns every problem found, joined,
// so that one edit can fix them all.
// The error matches ErrInvalid.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkPool(c.Pool))
	add(checkDataset(c.Pool, c.Dataset))
	add(checkSnapshot(c.Snapshot))
	add(checkPersistRoot(c.PersistRoot))
	if c.OnFailure != PolicyEmergency && c.OnFailure != PolicyContinue {
		add(fmt.Errorf("onFailure %q: must be %q or %q", c.OnFailure, PolicyEmergency, PolicyContinue))
	}
	if len(c.Entries) > MaxEntries {
		// Checking each of them would only bury this line under their errors.
		add(fmt.Errorf("entries: %d declared, at most %d are supported; declare parent directories instead of many paths beneath them", len(c.Entries), MaxEntries))
	} else {
		for i := range c.Entries {
			add(c.checkEntry(i))
		}
		add(checkOverlaps(c.Entries))
	}
	add(c.ValidateExtra())
	return invalid(listed(errs))
}

func validComponent(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("_-.:", r)
		if !ok {
			return false
		}
	}
	return true
}

func checkPool(p string) error {
	if p == "" {
		return errors.New("pool: missing")
	}
	if !validComponent(p) || !(p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z') {
		return fmt.Errorf("pool %q: not a valid pool name (letters, digits, _-.: ; starts with a letter)", p)
	}
	for _, r := range reservedPools {
		if strings.HasPrefix(p, r) {
			return fmt.Errorf("pool %q: names beginning with %q are reserved by ZFS", p, r)
		}
	}
	return nil
}

func checkDataset(pool, ds string) error {
	switch {
	case ds == "":
		return errors.New("dataset: missing")
	case len(ds) > zfsNameMax:
		return fmt.Errorf("dataset %q: longer than %d characters", ds, zfsNameMax)
	case ds == pool:
		return fmt.Errorf("dataset %q: is the pool's root dataset; rolling it back would reach every dataset of the pool", ds)
	case !strings.HasPrefix(ds, pool+"/"):
		return fmt.Errorf("dataset %q: is not in pool %q", ds, pool)
	}
	for _, part := range strings.Split(ds, "/") {
		if !validComponent(part) {
			return fmt.Errorf("dataset %q: component %q is not a valid dataset name (no @, #, spaces or empty parts)", ds, part)
		}
	}
	return nil
}

func checkSnapshot(s string) error {
	if s == "" {
		return errors.New("snapshot: missing")
	}
	if !validComponent(s) {
		return fmt.Errorf("snapshot %q: not a valid snapshot name (give only the part after @)", s)
	}
	return nil
}

// checkEntry returns every problem of entry i, each naming the entry.
func (c *Config) checkEntry(i int) error {
	e := c.Entries[i]
	at := fmt.Sprintf("entries[%d] (%s)", i, shown(e.Path))
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at, err))
		}
	}
	if err := checkAbsPath(e.Path); err != nil {
		add(fmt.Errorf("path %w", err))
	} else {
		for _, bad := range notPersistable {
			if within(e.Path, bad) && (bad != "/" || e.Path == "/") {
				add(fmt.Errorf("path %s cannot be persisted (it is not on the root dataset)", shown(e.Path)))
				break
			}
		}
		if within(e.Path, c.PersistRoot) || within(c.PersistRoot, e.Path) {
			add(fmt.Errorf("path overlaps persistRoot %s", shown(c.PersistRoot)))
		}
		if n := len(c.PersistRoot) + len(e.Path); n > pathMax {
			add(fmt.Errorf("persistRoot+path, where the persistent copy lives and the symlink points, is %d bytes, longer than %d (PATH_MAX); shorten the path", n, pathMax))
		}
	}
	if e.How != "bind" && e.How != "symlink" {
		add(fmt.Errorf("how %q: must be \"bind\" or \"symlink\"", e.How))
	}
	if e.Type != "directory" && e.Type != "file" {
		add(fmt.Errorf("type %q: must be \"directory\" or \"file\"", e.Type))
	}
	add(checkMode(e.Type, e.Mode))
	add(checkOwner("user", e.User))
	add(checkOwner("group", e.Group))
	return errors.Join(errs...)
}

// within reports whether p is base or lies beneath it.
func within(p, base string) bool {
	if base == "/" {
		return true
	}
	return p == base || strings.HasPrefix(p, base+"/")
}
