package check

import (
	"fmt"

	"github.com/blankslate/blankslate/internal/human"
)

// arcFloor is the smallest zfs_arc_max ZFS accepts (64 MiB, module/zfs/arc.c:
// smaller values are ignored and the default stays).
const arcFloor = 64 << 20

// arc compares the ARC maximum the boot asks for (zfs.zfs_arc_max= on the
// kernel command line, or modprobe.d) with what the module runs with, and
// with what the ARC actually took (c_max in arcstats).
func (r *run) arc() {
	param, err := readUint(r.in.Sys.ArcMax)
	if err != nil {
		r.fs.add("layout.arc-max", Info, "zfs_arc_max", fmt.Sprintf("cannot be read (%v); is the zfs module loaded?", err), "")
		return
	}
	cmax, haveCmax := kstat(r.in.Sys.Arcstats, "c_max")
	want, from, asked := r.in.Sys.moduleParam("zfs_arc_max")
	effective := "ZFS's default"
	if haveCmax {
		effective = human.Bytes(cmax)
	}
	switch {
	case asked && param != want:
		r.fs.add("layout.arc-max", Warning, "zfs_arc_max",
			fmt.Sprintf("%s asks for %s (%d), but the module runs with %d (ARC maximum %s)", from, human.Bytes(want), want, param, effective),
			fmt.Sprintf("echo %d > %s   (and find why the boot did not apply it)", want, r.in.Sys.ArcMax)).
			with("asked", want).with("param", param).with("c_max", cmax)
	case asked && want != 0 && haveCmax && cmax != want:
		r.fs.add("layout.arc-max", Warning, "zfs_arc_max",
			fmt.Sprintf("%d (%s) is set but ZFS ignored it: the ARC maximum is %s (values below 64 MiB or above the memory are ignored)",
				want, from, effective),
			fmt.Sprintf("Choose a value between %d and the machine's memory (blankslate.arcMax)", arcFloor)).
			with("asked", want).with("param", param).with("c_max", cmax)
	case asked:
		r.fs.ok("layout.arc-max", "zfs_arc_max", fmt.Sprintf("%s, as %s asks", effective, from)).
			with("asked", want).with("param", param).with("c_max", cmax)
	case param != 0:
		r.fs.add("layout.arc-max", Info, "zfs_arc_max",
			fmt.Sprintf("%d, set at run time and not by the boot; the ARC maximum is %s", param, effective), "").
			with("param", param).with("c_max", cmax)
	default:
		r.fs.add("layout.arc-max", Info, "zfs_arc_max",
			fmt.Sprintf("not set: the ARC maximum is %s, ZFS's default (blankslate.arcMax sets it)", effective), "").
			with("param", param).with("c_max", cmax)
	}
}
