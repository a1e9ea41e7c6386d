package zfstest

import "testing"

// GiB is 2³⁰ bytes.
const GiB = 1 << 30

// The seed layout's names (docs/DESIGN.md, "The machine it serves").
const (
	Pool  = "rpool"
	Root  = "rpool/nixos/empty" // the root dataset, rolled back at every boot
	Start = "start"             // its blank snapshot
)

// Seed returns the layout blankslate serves, clean: pool rpool of 10 GiB,
// compression=lz4 everywhere, the root dataset rpool/nixos/empty with its
// blank snapshot @start and nothing written since, the persistent datasets
// (nix with atime=off), the 50 GiB docker volume, and rpool/reserved holding
// 10 % of the pool. Nothing is mounted (the initrd before sysroot.mount).
func Seed(t testing.TB) *Model {
	t.Helper()
	m := New(t)
	m.AddPool(Pool, 10*GiB)
	m.Set(Pool, "compression", "lz4")
	m.Set(Pool, "mountpoint", "none")
	m.AddVolume("rpool/docker", 50*GiB, map[string]string{"refreservation": "51G"})
	m.AddFS("rpool/nixos", map[string]string{"mountpoint": "none"})
	m.AddFS(Root, map[string]string{"mountpoint": "legacy"})
	m.AddSnapshot(Root, Start)
	m.AddFS("rpool/nixos/home", map[string]string{"mountpoint": "legacy"})
	m.AddFS("rpool/nixos/nix", map[string]string{"mountpoint": "legacy", "atime": "off"})
	m.AddFS("rpool/nixos/persist", map[string]string{"mountpoint": "legacy"})
	m.AddFS("rpool/reserved", map[string]string{"mountpoint": "none", "refreservation": "1G"})
	return m
}
