package check

import (
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs"
)

// keepZFS adds what keep.Reader needs to the seed's fake pool.
type keepZFS struct {
	*fakeZFS
	info map[string]zfs.Info
}

func (k keepZFS) Info(name string) (zfs.Info, error) { return k.info[name], nil }

const prev = "rpool/nixos/blankslate-prev"

// withKept adds kept roots beneath the container, each a sealed clone of D@start.
func withKept(fx *fixture, names ...string) keepZFS {
	k := keepZFS{fakeZFS: fx.z, info: map[string]zfs.Info{}}
	fx.z.datasets[prev] = zfs.Dataset{Name: prev, Filesystem: true, Mountpoint: "none"}
	for i, n := range names {
		full := prev + "/" + n
		fx.z.datasets[full] = zfs.Dataset{Name: full, Filesystem: true}
		fx.z.children[prev] = append(fx.z.children[prev], full)
		k.info[full] = zfs.Info{Origin: "rpool/nixos/empty@start", Referenced: 1 << 20, CreateTxg: uint64(20 + i), ReadOnly: true, CanMount: "noauto"}
	}
	fx.in.ZFS = k
	return k
}

func TestKeptRootsAreListedWithTheMountCommand(t *testing.T) {
	fx := newFixture(t)
	withKept(fx, "20261126T010000Z", "20261126T020000Z")
	f := findingsOf(Run(fx.in), "keep.roots")
	if len(f) != 1 || f[0].Severity != Info {
		t.Fatalf("got %+v", f)
	}
	for _, want := range []string{"2 kept root(s)", prev + "/20261126T010000Z (kept 2026-11-26 01:00:00Z, 1.0 MiB)",
		"mount -t zfs -o ro " + prev + "/20261126T020000Z /mnt"} {
		if !strings.Contains(f[0].Message, want) {
			t.Errorf("message lacks %q: %s", want, f[0].Message)
		}
	}
}

func TestPendingRepairIsAWarning(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		state      func(fx *fixture, k keepZFS)
	}{
		{"root missing, a kept root owns @start", "is missing and", func(fx *fixture, k keepZFS) {
			delete(fx.z.datasets, "rpool/nixos/empty")
			fx.z.snaps[prev+"/20261126T020000Z"] = []zfs.Snapshot{{Name: prev + "/20261126T020000Z@start"}}
		}},
		{"root still a clone", "is still a clone of", func(fx *fixture, k keepZFS) {
			k.info["rpool/nixos/empty"] = zfs.Info{Origin: prev + "/20261126T020000Z@start"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			k := withKept(fx, "20261126T020000Z")
			tc.state(fx, k)
			f := findingsOf(Run(fx.in), "keep.repair")
			if len(f) != 1 || f[0].Severity != Warning || !strings.Contains(f[0].Message, tc.want) {
				t.Fatalf("got %+v", f)
			}
		})
	}
}

func TestNoKeptRootsAndKeepOffSaysNothing(t *testing.T) {
	fx := newFixture(t)
	withKept(fx)
	delete(fx.z.datasets, prev)
	if f := append(findingsOf(Run(fx.in), "keep.roots"), findingsOf(Run(fx.in), "keep.repair")...); len(f) != 0 {
		t.Fatalf("got %+v", f)
	}
}
