package check

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/zfs"
)

// layout checks the seed's layout over every dataset of the pool:
// compression=lz4 everywhere, atime=off on the nix dataset, the reservation,
// the Docker zvol.
func (r *run) layout() {
	all, err := r.in.ZFS.Datasets(r.cfg.Pool)
	if err != nil {
		r.fs.add("layout.datasets", Warning, r.cfg.Pool, fmt.Sprintf("cannot list the datasets: %v; the layout was not checked", err),
			"zfs list -r "+r.cfg.Pool)
		return
	}
	r.compression(all)
	r.nixAtime(all)
	r.reservation(all)
	r.docker(all)
}

// compression: the layout sets lz4, but another algorithm (zstd, gzip …)
// is a choice someone made on purpose, told as information. Only off is a
// problem: everything is then stored as written.
func (r *run) compression(all []zfs.Props) {
	other := map[string][]string{} // algorithm → datasets
	for _, p := range all {
		switch p.Compression {
		case "lz4", "on": // on is lz4 since OpenZFS 2.0 (zfsprops(7))
		case "off":
			r.fs.add("layout.compression", Warning, p.Name, "compression=off: everything is stored as written; the layout has lz4",
				"zfs set compression=lz4 "+p.Name+"   (applies to what is written from now on)")
		default:
			other[p.Compression] = append(other[p.Compression], p.Name)
		}
	}
	algos := make([]string, 0, len(other))
	for a := range other {
		algos = append(algos, a)
	}
	sort.Strings(algos)
	for _, a := range algos {
		object, on := strings.Join(other[a], ", "), ""
		if len(other[a]) == len(all) {
			object, on = r.cfg.Pool, fmt.Sprintf(" on all %d datasets", len(all))
		}
		r.fs.add("layout.compression", Info, object,
			fmt.Sprintf("compression=%s%s (the layout has lz4; a choice, nothing to fix)", a, on), "")
	}
	if len(algos) == 0 && !r.fs.has("layout.compression") {
		r.fs.ok("layout.compression", r.cfg.Pool, fmt.Sprintf("compression=lz4 on all %d datasets", len(all)))
	}
}

// nixAtime: the nix dataset is the one mounted at <root>/nix, else the one
// whose mountpoint is /nix, else the seed's <pool>/nixos/nix.
func (r *run) nixAtime(all []zfs.Props) {
	name := ""
	if m, ok := mountAt(r.mounts, joinRoot(r.in.Root, "/nix")); ok && m.FSType == "zfs" {
		name = m.Source
	}
	for _, p := range all {
		if name == "" && p.Mountpoint == "/nix" {
			name = p.Name
		}
	}
	if name == "" {
		name = r.cfg.Pool + "/nixos/nix"
	}
	p, ok := find(all, name)
	switch {
	case !ok:
		r.fs.add("layout.nix-atime", Info, name, "no nix dataset was found (nothing mounted at /nix, no mountpoint=/nix)", "")
	case p.Atime != "off":
		r.fs.add("layout.nix-atime", Warning, name, "atime="+p.Atime+": every read in the store becomes a write",
			"zfs set atime=off "+name)
	default:
		r.fs.ok("layout.nix-atime", name, "atime=off")
	}
}

// reservation: the seed keeps 10 % of the pool free with a reservation on an
// empty dataset (rpool/reserved), so that a full pool can still be repaired.
// Reservations of volumes are their own thick provisioning and do not count.
func (r *run) reservation(all []zfs.Props) {
	var total, biggest uint64
	holder := ""
	for _, p := range all {
		if p.Volume {
			continue
		}
		res := max(p.Reservation, p.RefReservation)
		total += res
		if res > biggest {
			biggest, holder = res, p.Name
		}
	}
	size := r.zpool.Size
	want := size / 10
	pct := 0.0
	if size > 0 {
		pct = 100 * float64(total) / float64(size)
	}
	switch {
	case total == 0:
		r.fs.add("layout.reservation", Info, r.cfg.Pool, "nothing is reserved (the seed reserves 10 % of the pool)",
			fmt.Sprintf("zfs create -o mountpoint=none -o refreservation=%d %s/reserved", want, r.cfg.Pool)).with("reserved", total).with("size", size)
	case total < want:
		r.fs.add("layout.reservation", Warning, holder,
			fmt.Sprintf("%s reserved, %.1f %% of the pool's %s; the layout reserves at least 10 %%", human.Bytes(total), pct, human.Bytes(size)),
			fmt.Sprintf("zfs set refreservation=%d %s", want-(total-biggest), holder)).with("reserved", total).with("size", size)
	default:
		r.fs.ok("layout.reservation", holder, fmt.Sprintf("%s reserved, %.1f %% of the pool", human.Bytes(total), pct)).
			with("reserved", total).with("size", size)
	}
}

// docker: a zvol the root's fstab mounts (NixOS writes Docker's there) must
// exist and be a volume; the seed's <pool>/docker is reported with its size
// when present, and is optional otherwise.
func (r *run) docker(all []zfs.Props) {
	asked := map[string]string{} // zvol → mount point
	if r.rootMounted() {
		for point, zvol := range fstabZvols(joinRoot(r.in.Root, "/etc/fstab")) {
			asked[zvol] = point
		}
	}
	seed := r.cfg.Pool + "/docker"
	if _, ok := asked[seed]; !ok {
		if _, exists := find(all, seed); exists || len(asked) == 0 {
			asked[seed] = ""
		}
	}
	names := make([]string, 0, len(asked))
	for n := range asked {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r.zvol(all, n, asked[n])
	}
}

func (r *run) zvol(all []zfs.Props, name, point string) {
	p, ok := find(all, name)
	used := ""
	if point != "" {
		used = " for " + point + " (in /etc/fstab)"
	}
	switch {
	case !ok && point == "":
		r.fs.add("layout.docker-zvol", Info, name, "no Docker zvol (needed only with blankslate.docker.enable)", "")
	case !ok:
		r.fs.add("layout.docker-zvol", Error, name, "does not exist, but /etc/fstab mounts /dev/zvol/"+name+" at "+point,
			fmt.Sprintf("zfs create -V 50G %s && mkfs.ext4 /dev/zvol/%s", name, name))
	case !p.Volume:
		r.fs.add("layout.docker-zvol", Error, name, "is a filesystem, not a volume"+used,
			"Create a volume for it (zfs create -V 50G NAME) and point blankslate.docker.zvol at it")
	default:
		r.fs.ok("layout.docker-zvol", name, "a volume of "+human.Bytes(p.Volsize)+used).with("volsize", p.Volsize)
	}
}

func find(all []zfs.Props, name string) (zfs.Props, bool) {
	for _, p := range all {
		if p.Name == name {
			return p, true
		}
	}
	return zfs.Props{}, false
}

func joinRoot(root, p string) string {
	if root == "/" {
		return p
	}
	return path.Join(root, strings.TrimPrefix(p, "/"))
}
