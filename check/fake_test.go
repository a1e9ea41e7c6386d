package check

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs"
)

// fakeZFS is the seed's pool in memory: what the checks read, nothing else.
type fakeZFS struct {
	pool     zfs.Pool
	datasets map[string]zfs.Dataset
	snaps    map[string][]zfs.Snapshot
	children map[string][]string
	written  uint64
	props    []zfs.Props
	failOn   string
}

const gib = 1 << 30

func seedZFS() *fakeZFS {
	return &fakeZFS{
		pool: zfs.Pool{Name: "rpool", Imported: true, Health: "ONLINE", Status: "ok", Size: 10 * gib},
		datasets: map[string]zfs.Dataset{
			"rpool/nixos/empty": {Name: "rpool/nixos/empty", Filesystem: true, Mountpoint: "legacy"},
		},
		snaps:    map[string][]zfs.Snapshot{"rpool/nixos/empty": {{Name: "rpool/nixos/empty@start", CreateTxg: 10}}},
		children: map[string][]string{},
		props: []zfs.Props{
			{Name: "rpool", Compression: "lz4", Atime: "on", Mountpoint: "none"},
			{Name: "rpool/docker", Volume: true, Compression: "lz4", Volsize: 50 * gib, RefReservation: 51 * gib},
			{Name: "rpool/nixos", Compression: "lz4", Atime: "on", Mountpoint: "none"},
			{Name: "rpool/nixos/empty", Compression: "lz4", Atime: "on", Mountpoint: "legacy"},
			{Name: "rpool/nixos/home", Compression: "lz4", Atime: "on", Mountpoint: "legacy"},
			{Name: "rpool/nixos/nix", Compression: "lz4", Atime: "off", Mountpoint: "legacy"},
			{Name: "rpool/nixos/persist", Compression: "lz4", Atime: "on", Mountpoint: "legacy"},
			{Name: "rpool/reserved", Compression: "lz4", Atime: "on", Mountpoint: "none", RefReservation: 1 * gib},
		},
	}
}

func (f *fakeZFS) fail(m string) error {
	if f.failOn == m {
		return fmt.Errorf("%s: injected failure", m)
	}
	return nil
}

func (f *fakeZFS) Pool(name string) (zfs.Pool, error) {
	if name != f.pool.Name {
		return zfs.Pool{Name: name}, f.fail("Pool")
	}
	return f.pool, f.fail("Pool")
}

func (f *fakeZFS) Dataset(n string) (zfs.Dataset, error) {
	d, ok := f.datasets[n]
	if !ok {
		return d, fmt.Errorf("dataset %s: %w", n, zfs.ErrNotFound)
	}
	return d, f.fail("Dataset")
}

func (f *fakeZFS) Snapshots(fs string) ([]zfs.Snapshot, error) {
	return f.snaps[fs], f.fail("Snapshots")
}
func (f *fakeZFS) Children(fs string) ([]string, error)   { return f.children[fs], f.fail("Children") }
func (f *fakeZFS) Written(string, string) (uint64, error) { return f.written, f.fail("Written") }
func (f *fakeZFS) Datasets(string) ([]zfs.Props, error)   { return f.props, f.fail("Datasets") }

func (f *fakeZFS) set(name string, change func(*zfs.Props)) {
	for i := range f.props {
		if f.props[i].Name == name {
			change(&f.props[i])
			return
		}
	}
	panic("no dataset " + name)
}

// fixture is a check's whole input: the fake pool and a fake /proc and /sys.
type fixture struct {
	t   *testing.T
	z   *fakeZFS
	in  Input
	dir string
}

// newFixture is the seed layout, clean, seen from an initrd whose root is not
// mounted (so that the persistent paths are not looked at; persist_test.go
// does those).
func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	fx := &fixture{t: t, z: seedZFS(), dir: dir}
	fx.in = Input{
		Config:     config.Default(),
		ConfigFrom: "built-in default",
		Root:       filepath.Join(dir, "sysroot"),
		ZFS:        fx.z,
		Sys: System{
			Mountinfo: fx.write("mountinfo", "22 1 0:21 / / rw - tmpfs none rw\n"),
			ArcMax:    fx.write("zfs_arc_max", "0\n"),
			Arcstats:  fx.write("arcstats", "13 1 0\nname type data\nc_min 4 48106112\nc_max 4 962122240\n"),
			Cmdline:   fx.write("cmdline", "console=ttyS0 quiet\n"),
			Modprobe:  []string{filepath.Join(dir, "modprobe.d")},
			InInitrd:  true,
		},
	}
	return fx
}

func (fx *fixture) write(name, content string) string {
	p := filepath.Join(fx.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		fx.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		fx.t.Fatal(err)
	}
	return p
}

// find returns the findings of one check.
func findingsOf(r *Report, check string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}
