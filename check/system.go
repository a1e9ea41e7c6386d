package check

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// System names the kernel interfaces and files the checks read, so that tests
// can point them at fixtures. DefaultSystem is the real machine.
type System struct {
	Mountinfo string   // /proc/self/mountinfo
	ArcMax    string   // /sys/module/zfs/parameters/zfs_arc_max
	Arcstats  string   // /proc/spl/kstat/zfs/arcstats
	Cmdline   string   // /proc/cmdline
	Modprobe  []string // directories of modprobe.d configuration
	InInitrd  bool     // /etc/initrd-release exists
}

// DefaultSystem is the machine blankslate runs on.
func DefaultSystem() System {
	_, err := os.Stat("/etc/initrd-release")
	return System{
		Mountinfo: "/proc/self/mountinfo",
		ArcMax:    "/sys/module/zfs/parameters/zfs_arc_max",
		Arcstats:  "/proc/spl/kstat/zfs/arcstats",
		Cmdline:   "/proc/cmdline",
		Modprobe:  []string{"/etc/modprobe.d", "/run/modprobe.d", "/lib/modprobe.d", "/usr/lib/modprobe.d"},
		InInitrd:  err == nil,
	}
}

// maxSystemFile bounds what check reads of a kernel or configuration file.
const maxSystemFile = 1 << 20

// readSmall reads a file of the system, never blocking on a FIFO put in its
// place nor reading without bound: check must never hang.
func readSmall(path string) ([]byte, error) { return pathsafe.ReadSystemFile(path, maxSystemFile) }

// Mount is one line of mountinfo.
type Mount = mountinfo.Mount

// Mounts reads mountinfo (proc(5)); later lines are mounted on top of earlier ones.
func (s System) Mounts() ([]Mount, error) { return mountinfo.Read(s.Mountinfo) }

// mountAt is the topmost mount at point, if any.
func mountAt(ms []Mount, point string) (Mount, bool) { return mountinfo.At(ms, point) }

func readUint(path string) (uint64, error) {
	data, err := readSmall(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
}

// kstat reads one value of a kstat file such as arcstats ("name type value").
func kstat(path, name string) (uint64, bool) {
	data, err := readSmall(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == name {
			v, err := strconv.ParseUint(f[2], 10, 64)
			return v, err == nil
		}
	}
	return 0, false
}

// moduleParam finds what the boot asks of a ZFS module parameter: on the kernel
// command line (zfs.NAME=V, what the NixOS module writes) or in an
// "options zfs NAME=V" line of modprobe.d. The last one given wins, as modprobe
// reads the files and then the command line.
func (s System) moduleParam(name string) (value uint64, from string, ok bool) {
	for _, dir := range s.Modprobe {
		files, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, file := range files {
			if v, found := modprobeOption(file, name); found {
				value, from, ok = v, file, true
			}
		}
	}
	if data, err := readSmall(s.Cmdline); err == nil {
		for _, arg := range strings.Fields(string(data)) {
			if v, found := strings.CutPrefix(arg, "zfs."+name+"="); found {
				if n, err := strconv.ParseUint(v, 10, 64); err == nil {
					value, from, ok = n, "the kernel command line", true
				}
			}
		}
	}
	return value, from, ok
}

func modprobeOption(file, name string) (uint64, bool) {
	data, err := readSmall(file)
	if err != nil {
		return 0, false
	}
	var value uint64
	found := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "options" || f[1] != "zfs" {
			continue
		}
		for _, opt := range f[2:] {
			if v, ok := strings.CutPrefix(opt, name+"="); ok {
				if n, err := strconv.ParseUint(v, 10, 64); err == nil {
					value, found = n, true
				}
			}
		}
	}
	return value, found
}

// fstabZvols lists the zvols an fstab mounts (/dev/zvol/POOL/NAME devices), by
// mount point: how NixOS says where Docker's zvol goes.
func fstabZvols(path string) map[string]string {
	data, err := readSmall(path)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if zvol, ok := strings.CutPrefix(mountinfo.Unescape(f[0]), "/dev/zvol/"); ok {
			out[mountinfo.Unescape(f[1])] = zvol
		}
	}
	return out
}
