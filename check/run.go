package check

import (
	"fmt"
	"strings"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs"
)

// Input is everything a check reads.
type Input struct {
	Config     *config.Config // validated
	ConfigFrom string         // where it came from, for the report
	Root       string         // the root whose attachments are checked: / or /sysroot
	ZFS        ZFS            // nil when libzfs could not be opened
	ZFSErr     error          // why it could not
	Sys        System
	// Rescued: Root is another system's, mounted for a look (check --root
	// /mnt from a rescue system), neither the running system nor the
	// initrd's /sysroot; what cannot be looked at there is not checked.
	Rescued bool
	// BootState is the rollback step's note on a root that is not blank
	// (internal/bootstate); "" on a system that is not the one booted.
	BootState string
	// Copies, when set, checks the persistent copies on the persistent
	// dataset where the root is not mounted (a rescue system).
	Copies CopiesFunc
}

// run carries one check's state from step to step.
type run struct {
	in     Input
	cfg    *config.Config
	mounts []Mount
	zpool  zfs.Pool // once read
	fs     findings
}

// Run performs every check and returns the findings, in the order a person
// reads them: configuration, pool, dataset and snapshot, layout, ARC,
// persistent paths. It writes nothing anywhere.
func Run(in Input) *Report {
	r := &run{in: in, cfg: in.Config}
	ms, err := in.Sys.Mounts()
	if err != nil {
		r.fs.add("system.mounts", Warning, in.Sys.Mountinfo,
			fmt.Sprintf("cannot read the mount table: %v; what is mounted where was not checked", err),
			"mount -t proc proc /proc")
	}
	r.mounts = ms
	r.config()
	r.bootState()
	if r.zfs() {
		r.layout()
	}
	if in.ZFS != nil {
		r.arc()
	}
	r.persist()
	return &Report{Config: in.ConfigFrom, Root: in.Root, Dataset: r.cfg.SnapshotName(), Findings: r.fs}
}

func (r *run) config() {
	r.fs.ok("config.valid", r.in.ConfigFrom,
		fmt.Sprintf("valid: roll back %s, %d entries from %s, onFailure=%s",
			r.cfg.SnapshotName(), len(r.cfg.Entries), r.cfg.PersistRoot, r.cfg.OnFailure))
}

// zfs runs the pool, dataset and snapshot checks; it reports whether the pool
// can be read further.
func (r *run) zfs() bool {
	if r.in.ZFS == nil {
		r.fs.add("zfs.available", Error, "/dev/zfs",
			fmt.Sprintf("ZFS cannot be used: %v; no pool, dataset or snapshot was checked", r.in.ZFSErr),
			"modprobe zfs")
		return false
	}
	if !r.poolState() {
		return false
	}
	if r.dataset() {
		r.snapshot()
	}
	r.kept()
	return true
}

// ConfigProblems is the report for a configuration that does not load or
// validate: one error finding per problem. check exits 2 with it.
func ConfigProblems(from string, err error) *Report {
	var fs findings
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fs.add("config.valid", Error, from, line,
				"Correct the configuration (with NixOS: the blankslate.* options, then nixos-rebuild boot); "+
					"the boot refuses it the same way, touching nothing")
		}
	}
	return &Report{Config: from, Findings: fs}
}
