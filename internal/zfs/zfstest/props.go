package zfstest

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/blankslate/blankslate/internal/zfs"
)

// The properties the model interprets. Others that ZFS knows are kept as
// they are set; a name ZFS does not know is refused, as zfs_prop_set does.
var (
	// inherited from the parent when not set locally
	inheritable = set("mountpoint", "compression", "atime", "readonly", "relatime", "xattr", "acltype",
		"dnodesize", "recordsize", "sync", "logbias", "exec", "setuid", "devices", "snapdir", "checksum", "copies", "dedup")
	// their values before anything is set
	defaults = map[string]string{"compression": "off", "atime": "on", "readonly": "off", "canmount": "on",
		"reservation": "0", "refreservation": "0"}
	// statistics: never settable
	readOnly = set("used", "referenced", "available", "origin", "createtxg", "creation", "type", "mounted",
		"clones", "numclones", "written", "compressratio", "guid", "logicalused", "logicalreferenced",
		"usedbysnapshots", "usedbydataset", "usedbychildren", "usedbyrefreservation", "objsetid")
	// settable only when the dataset is made; LocalProps leaves them out
	setOnce = set("volblocksize", "casesensitivity", "normalization", "utf8only", "encryption", "keyformat", "pbkdf2iters")
	// other native properties that a dataset may carry locally
	otherNative = set("quota", "refquota", "primarycache", "secondarycache", "redundant_metadata",
		"special_small_blocks", "overlay", "keylocation", "volmode", "zoned", "vscan", "nbmand", "mlslabel")
	// sizes, stored as decimal bytes
	sizes = set("reservation", "refreservation", "volsize", "quota", "refquota", "recordsize", "special_small_blocks")
)

func set(names ...string) map[string]bool {
	s := make(map[string]bool, len(names))
	for _, n := range names {
		s[n] = true
	}
	return s
}

// checkProps validates props for a dataset (volume or not) and returns them in
// their literal form; creating allows the set-once properties.
func checkProps(props map[string]string, volume, creating bool) (map[string]string, error) {
	out := make(map[string]string, len(props))
	for k, v := range props {
		lit, err := checkProp(k, v, volume, creating)
		if err != nil {
			return nil, err
		}
		out[k] = lit
	}
	return out, nil
}

func checkProp(prop, value string, volume, creating bool) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("invalid property %s=%s: %s", prop, value, why)
	}
	switch {
	case strings.Contains(prop, ":"):
		return value, nil // a user property: any value
	case readOnly[prop]:
		return bad("it is read-only")
	case setOnce[prop] && !creating:
		return bad("it can be set only when the dataset is made")
	case prop == "volsize" && !volume:
		return bad("only volumes have it")
	case volume && (prop == "mountpoint" || prop == "canmount" || prop == "atime"):
		return bad("volumes do not have it")
	case sizes[prop]:
		n, err := parseSize(value)
		if err != nil {
			return bad(err.Error())
		}
		return strconv.FormatUint(n, 10), nil
	}
	switch prop {
	case "canmount":
		return oneOf(value, bad, "on", "off", "noauto")
	case "readonly", "atime", "relatime", "exec", "setuid", "devices":
		return oneOf(value, bad, "on", "off")
	case "compression":
		if strings.HasPrefix(value, "gzip-") || strings.HasPrefix(value, "zstd-") {
			return value, nil
		}
		return oneOf(value, bad, "on", "off", "lz4", "gzip", "zle", "lzjb", "zstd")
	case "mountpoint":
		if value == "legacy" || value == "none" || path.IsAbs(value) {
			return path.Clean(value), nil
		}
		return bad("not legacy, none or an absolute path")
	}
	if inheritable[prop] || setOnce[prop] || otherNative[prop] {
		return value, nil
	}
	return bad("ZFS has no such property")
}

func oneOf(value string, bad func(string) (string, error), allowed ...string) (string, error) {
	for _, a := range allowed {
		if value == a {
			return value, nil
		}
	}
	return bad("not one of " + strings.Join(allowed, ", "))
}

// parseSize reads a size as zfs set does: bytes, or with a K/M/G/T/P suffix
// (powers of 1024); "none" is 0.
func parseSize(s string) (uint64, error) {
	if s == "none" {
		return 0, nil
	}
	mult := uint64(1)
	num := strings.TrimSuffix(strings.ToUpper(s), "B")
	if i := strings.IndexAny(num, "KMGTP"); i >= 0 && i == len(num)-1 {
		mult = 1 << (10 * (strings.IndexByte("KMGTP", num[i]) + 1))
		num = num[:i]
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a size")
	}
	return n * mult, nil
}

// prop is the effective value of prop on d: set locally, inherited, or the
// default. A mountpoint path inherited from an ancestor gets the rest of the
// name appended, as in ZFS.
func (m *Model) prop(d *dataset, prop string) string {
	if v, ok := d.props[prop]; ok {
		return v
	}
	if !inheritable[prop] && !strings.Contains(prop, ":") {
		return defaults[prop]
	}
	for a := zfs.Parent(d.name); a != ""; a = zfs.Parent(a) {
		anc, ok := m.ds[a]
		if !ok {
			break
		}
		if v, ok := anc.props[prop]; ok {
			if prop == "mountpoint" && path.IsAbs(v) {
				return path.Join(v, strings.TrimPrefix(d.name, a))
			}
			return v
		}
	}
	if prop == "mountpoint" {
		return "/" + d.name // a pool's root dataset is mounted at /<pool>
	}
	return defaults[prop]
}

// size is a size property's value in bytes.
func (m *Model) size(d *dataset, prop string) uint64 {
	n, _ := strconv.ParseUint(m.prop(d, prop), 10, 64)
	return n
}

// localProps is what LocalProps returns: everything set on d itself but the
// set-once and encryption properties, which a clone cannot take.
func localProps(d *dataset) map[string]string {
	out := map[string]string{}
	for k, v := range d.props {
		if !setOnce[k] && k != "keylocation" {
			out[k] = v
		}
	}
	return out
}
