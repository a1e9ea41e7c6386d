package check

import (
	"fmt"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Pool statuses (zpool status's verdict, as internal/zfs/libzfs/bszfs_pool.c names them) by what
// they mean for this machine. Those in neither map are informational.
var (
	statusErrors = map[string]bool{
		"corrupt-cache": true, "missing-device": true, "corrupt-label": true, "bad-guid-sum": true,
		"corrupt-pool": true, "corrupt-data": true, "version-newer": true, "hostid-active": true,
		"io-failure-wait": true, "io-failure-continue": true, "io-failure-mmp": true, "bad-log": true,
		"unsupported-feature-read": true, "unsupported-feature-write": true, "faulted-device": true,
	}
	statusWarnings = map[string]bool{
		"missing-device-redundant": true, "corrupt-label-redundant": true, "failing-device": true,
		"hostid-mismatch": true, "hostid-required": true, "faulted-device-redundant": true,
		"offline-device": true, "removed-device": true,
	}
)

// pool checks that the pool is imported and healthy; it reports whether its
// datasets can be read.
func (r *run) poolState() bool {
	name := r.cfg.Pool
	p, err := r.in.ZFS.Pool(name)
	switch {
	case err != nil:
		r.fs.add("pool.imported", Error, name, fmt.Sprintf("cannot be read: %v", err), "zpool status "+name)
		return false
	case !p.Imported:
		r.fs.add("pool.imported", Error, name,
			"is not imported; the dataset, snapshot and layout were not checked",
			fmt.Sprintf("zpool import -N %s   (add -f if it was last used by another system; zpool import lists what can be imported)", name))
		return false
	}
	r.zpool = p
	r.fs.ok("pool.imported", name, "imported"+map[bool]string{true: " read-only", false: ""}[p.ReadOnly])
	r.health(p)
	return true
}

func (r *run) health(p zfs.Pool) {
	sev := OK
	switch {
	case p.Health == "FAULTED" || p.Health == "UNAVAIL" || p.Health == "SUSPENDED" || statusErrors[p.Status]:
		sev = Error
	case p.Health != "ONLINE" || statusWarnings[p.Status]:
		sev = Warning
	case p.Status != "ok":
		sev = Info
	}
	msg := p.Health
	if p.Status != "ok" {
		msg += ", status " + p.Status
	}
	fix := ""
	if sev != OK {
		fix = "zpool status -v " + p.Name
		if p.MsgID != "" {
			msg += " (" + p.MsgID + ")"
			fix += "   and read https://openzfs.github.io/openzfs-docs/msg/" + p.MsgID
		}
	}
	r.fs.add("pool.health", sev, p.Name, msg, fix).with("health", p.Health).with("status", p.Status)
}
