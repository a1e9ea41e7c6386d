package mounts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/config"
)

func TestPlanResolvesOwnersAndModes(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "var/lib/nixos/uid-map"), `{"alice":1000}`)
	mustWrite(t, filepath.Join(dir, "var/lib/nixos/gid-map"), `{"users":100}`)
	c := &config.Config{Entries: []config.Entry{
		{Path: "/var/lib", How: "bind", Type: "directory", User: "root", Group: "root", Mode: "0755"},
		{Path: "/home/alice/.ssh", How: "bind", Type: "directory", User: "alice", Group: "users", Mode: "0700"},
		{Path: "/etc/f", How: "symlink", Type: "file", User: "42", Group: "43", Mode: "0640"},
	}}
	got := Plan(c, dir)
	want := []Entry{
		{Path: "/var/lib", How: Bind, Kind: Directory, UID: 0, GID: 0, Mode: 0o755},
		{Path: "/home/alice/.ssh", How: Bind, Kind: Directory, UID: 1000, GID: 100, Mode: 0o700},
		{Path: "/etc/f", How: Symlink, Kind: File, UID: 42, GID: 43, Mode: 0o640},
	}
	for i := range want {
		if got[i].Err != nil || got[i].Entry != want[i] {
			t.Errorf("entry %d: %+v (err %v), want %+v", i, got[i].Entry, got[i].Err, want[i])
		}
	}
}

// The NixOS module runs persist once per persistent root; owner names are
// resolved from the maps of the root that keeps /var/lib/nixos, not from the
// root whose entries are planned (which has no maps).
func TestPlanWithMapsResolvesNamesFromAnotherRoot(t *testing.T) {
	maps, other := t.TempDir(), t.TempDir()
	mustWrite(t, filepath.Join(maps, "var/lib/nixos/uid-map"), `{"alice":1000}`)
	mustWrite(t, filepath.Join(maps, "var/lib/nixos/gid-map"), `{"users":100}`)
	c := &config.Config{Entries: []config.Entry{
		{Path: "/home/alice/.cache", How: "bind", Type: "directory", User: "alice", Group: "users", Mode: "0700"},
	}}
	got := PlanWithMaps(c, other, maps)
	if got[0].Err != nil || got[0].Entry.UID != 1000 || got[0].Entry.GID != 100 {
		t.Errorf("maps of another root: uid %d gid %d, err %v; want 1000 100", got[0].Entry.UID, got[0].Entry.GID, got[0].Err)
	}
	if got := Plan(c, other); got[0].Err == nil {
		t.Errorf("Plan found alice beneath a root without maps (uid %d)", got[0].Entry.UID)
	}
}

func TestPlanUnknownOwnerFailsOnlyThatEntry(t *testing.T) {
	c := &config.Config{Entries: []config.Entry{
		{Path: "/var/lib", How: "bind", Type: "directory", User: "root", Group: "root", Mode: "0755"},
		{Path: "/srv", How: "bind", Type: "directory", User: "nobody-such", Group: "root", Mode: "0755"},
		{Path: "/opt", How: "bind", Type: "directory", User: "root", Group: "nogroup-such", Mode: "0755"},
	}}
	got := Plan(c, t.TempDir())
	if got[0].Err != nil {
		t.Errorf("root entry failed: %v", got[0].Err)
	}
	// Each error names the owner and says what to do: a fixed id, or keep the map.
	wants := map[int][]string{
		1: {`user "nobody-such" is unknown`, "users.users.nobody-such.uid", "/var/lib/nixos is kept"},
		2: {`group "nogroup-such" is unknown`, "users.groups.nogroup-such.gid", "/var/lib/nixos is kept"},
	}
	for i, want := range wants {
		for _, w := range want {
			if got[i].Err == nil || !strings.Contains(got[i].Err.Error(), w) {
				t.Errorf("entry %d: err %v, want %q", i, got[i].Err, w)
			}
		}
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
