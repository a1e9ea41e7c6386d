package keep

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blankslate/blankslate/internal/zfs"
)

// fakeZFS is an in-memory pool with the rename, clone, promote and destroy
// semantics keep relies on (zfs(8): a rename carries the snapshots along; a
// promote takes the origin's snapshots up to the origin; a dataset with
// snapshots, children or clones cannot be destroyed).
type fakeZFS struct {
	ds      map[string]*fakeDS
	txg     uint64
	failOn  string
	calls   []string // mutating calls, in order
	written map[string]uint64
}

type fakeDS struct {
	snaps    []zfs.Snapshot // oldest first, full names
	origin   string
	props    map[string]string // local
	txg      uint64
	readonly bool
	canmount string
	mounted  bool
}

const (
	d    = "rpool/nixos/empty"
	cont = "rpool/nixos/blankslate-prev"
)

// newFake is the seed layout: D with @start and 5 bytes written since.
func newFake() *fakeZFS {
	f := &fakeZFS{ds: map[string]*fakeDS{}, txg: 10, written: map[string]uint64{}}
	f.ds["rpool/nixos"] = &fakeDS{txg: 2, canmount: "off"}
	f.ds["rpool/nixos/persist"] = &fakeDS{txg: 3, canmount: "on"}
	f.ds[d] = &fakeDS{txg: 5, props: map[string]string{"mountpoint": "legacy", "user:x": "y"}, canmount: "on",
		snaps: []zfs.Snapshot{{Name: d + "@start", CreateTxg: 6}}}
	f.written[d] = 5
	return f
}

func (f *fakeZFS) next() uint64 { f.txg++; return f.txg }

func (f *fakeZFS) mutate(call string) error {
	if f.failOn != "" && strings.HasPrefix(call, f.failOn) {
		return fmt.Errorf("%s: injected failure", call)
	}
	f.calls = append(f.calls, call)
	return nil
}

func (f *fakeZFS) get(name string) (*fakeDS, error) {
	x, ok := f.ds[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, zfs.ErrNotFound)
	}
	return x, nil
}

func (f *fakeZFS) Dataset(name string) (zfs.Dataset, error) {
	x, err := f.get(name)
	if err != nil {
		return zfs.Dataset{}, err
	}
	return zfs.Dataset{Name: name, Filesystem: true, Mounted: x.mounted}, nil
}

func (f *fakeZFS) Snapshots(fs string) ([]zfs.Snapshot, error) {
	x, err := f.get(fs)
	if err != nil {
		return nil, err
	}
	out := append([]zfs.Snapshot(nil), x.snaps...)
	for i := range out {
		out[i].Clones = f.clonesOf(out[i].Name)
	}
	return out, nil
}

func (f *fakeZFS) clonesOf(snap string) []string {
	var c []string
	for n, x := range f.ds {
		if x.origin == snap {
			c = append(c, n)
		}
	}
	sort.Strings(c)
	return c
}

func (f *fakeZFS) Bookmarks(string) ([]zfs.Snapshot, error) { return nil, nil }

func (f *fakeZFS) Children(fs string) ([]string, error) {
	var kids []string
	for n := range f.ds {
		if strings.HasPrefix(n, fs+"/") && !strings.Contains(n[len(fs)+1:], "/") {
			kids = append(kids, n)
		}
	}
	sort.Strings(kids)
	return kids, nil
}

func (f *fakeZFS) Info(name string) (zfs.Info, error) {
	x, err := f.get(name)
	if err != nil {
		return zfs.Info{}, err
	}
	return zfs.Info{Origin: x.origin, Used: 1, Referenced: 100 + f.written[name], CreateTxg: x.txg,
		ReadOnly: x.readonly, CanMount: x.canmount}, nil
}

func (f *fakeZFS) Written(fs, _ string) (uint64, error) { return f.written[fs], nil }

func (f *fakeZFS) LocalProps(name string) (map[string]string, error) {
	x, err := f.get(name)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range x.props {
		out[k] = v
	}
	return out, nil
}

func (f *fakeZFS) Rename(from, to string) error {
	x, err := f.get(from)
	if err != nil {
		return err
	}
	if _, taken := f.ds[to]; taken {
		return fmt.Errorf("rename to %s: exists", to)
	}
	if err := f.mutate("rename " + from + " " + to); err != nil {
		return err
	}
	delete(f.ds, from)
	f.ds[to] = x
	for i := range x.snaps {
		old := x.snaps[i].Name
		x.snaps[i].Name = to + old[len(from):]
		f.repoint(old, x.snaps[i].Name)
	}
	f.written[to], f.written[from] = f.written[from], 0
	return nil
}

func (f *fakeZFS) repoint(oldSnap, newSnap string) {
	for _, y := range f.ds {
		if y.origin == oldSnap {
			y.origin = newSnap
		}
	}
}

func (f *fakeZFS) Clone(snap, target string, props map[string]string) error {
	fs := snap[:strings.IndexByte(snap, '@')]
	x, err := f.get(fs)
	if err != nil {
		return err
	}
	if _, ok := findSnap(x.snaps, snap); !ok {
		return fmt.Errorf("clone %s: no such snapshot", snap)
	}
	if err := f.mutate("clone " + snap + " " + target); err != nil {
		return err
	}
	f.ds[target] = &fakeDS{origin: snap, props: props, txg: f.next(), canmount: "on"}
	return nil
}

// Promote moves the origin's snapshots up to the origin to name.
func (f *fakeZFS) Promote(name string) error {
	x, err := f.get(name)
	if err != nil || x.origin == "" {
		return fmt.Errorf("promote %s: not a clone (%v)", name, err)
	}
	if err := f.mutate("promote " + name); err != nil {
		return err
	}
	ofs := x.origin[:strings.IndexByte(x.origin, '@')]
	o := f.ds[ofs]
	os, _ := findSnap(o.snaps, x.origin)
	suffix, oOrigin := x.origin[len(ofs):], o.origin
	var keepO, moved []zfs.Snapshot
	for _, s := range o.snaps {
		if s.CreateTxg <= os.CreateTxg {
			n := name + s.Name[len(ofs):]
			f.repoint(s.Name, n)
			s.Name = n
			moved = append(moved, s)
		} else {
			keepO = append(keepO, s)
		}
	}
	o.snaps, x.snaps = keepO, append(moved, x.snaps...)
	x.origin, o.origin = oOrigin, name+suffix
	return nil
}

func (f *fakeZFS) SetProp(name, prop, value string) error {
	x, err := f.get(name)
	if err != nil {
		return err
	}
	if err := f.mutate("set " + name + " " + prop + "=" + value); err != nil {
		return err
	}
	switch prop {
	case "readonly":
		x.readonly = value == "on"
	case "canmount":
		x.canmount = value
	}
	return nil
}

func (f *fakeZFS) CreateFS(name string, props map[string]string) error {
	if err := f.mutate("create " + name); err != nil {
		return err
	}
	f.ds[name] = &fakeDS{props: props, txg: f.next(), canmount: props["canmount"]}
	return nil
}

func (f *fakeZFS) Destroy(name string) error {
	x, err := f.get(name)
	if err != nil {
		return err
	}
	kids, _ := f.Children(name)
	if len(x.snaps) > 0 || len(kids) > 0 {
		return fmt.Errorf("destroy %s: has snapshots or children", name)
	}
	if err := f.mutate("destroy " + name); err != nil {
		return err
	}
	delete(f.ds, name)
	return nil
}

// blankOwner reports whether D exists, owns @start, is not a clone and has
// nothing written: what the rollback needs for a no-op.
func (f *fakeZFS) blankOwner() error {
	x, ok := f.ds[d]
	switch {
	case !ok:
		return fmt.Errorf("%s is missing", d)
	case x.origin != "":
		return fmt.Errorf("%s is a clone of %s", d, x.origin)
	case len(x.snaps) != 1 || x.snaps[0].Name != d+"@start":
		return fmt.Errorf("%s has snapshots %v", d, x.snaps)
	case f.written[d] != 0:
		return fmt.Errorf("%s has %d bytes written", d, f.written[d])
	}
	return nil
}
