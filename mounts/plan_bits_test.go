package mounts

import (
	"path/filepath"
	"testing"

	"github.com/blankslate/blankslate/config"
	"golang.org/x/sys/unix"
)

func TestPlanCarriesSetgidAndStickyToTheCreatedCopy(t *testing.T) {
	tr := newTree(t)
	c := &config.Config{Entries: []config.Entry{
		{Path: "/srv/shared", How: "bind", Type: "directory", User: "0", Group: "100", Mode: "2775"},
		{Path: "/var/tmp", How: "bind", Type: "directory", User: "root", Group: "root", Mode: "1777"},
	}}
	var entries []Entry
	for _, p := range Plan(c, tr.persist) {
		if p.Err != nil {
			t.Fatalf("plan %s: %v", p.Entry.Path, p.Err)
		}
		entries = append(entries, p.Entry)
	}
	mustSucceed(t, tr.apply(entries...))
	for rel, want := range map[string]uint32{"srv/shared": 0o2775, "var/tmp": 0o1777} {
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(tr.persist, rel), &st); err != nil {
			t.Fatal(err)
		}
		if st.Mode&0o7777 != want {
			t.Errorf("persistent %s is %04o, want %04o", rel, st.Mode&0o7777, want)
		}
	}
}

func TestPlanRefusesOwnerIDsTheKernelWouldTruncateOrIgnore(t *testing.T) {
	dir := t.TempDir()
	// The maps live beneath the persistent root: treated as attacker-writable.
	mustWrite(t, filepath.Join(dir, "var/lib/nixos/uid-map"), `{"big":4294967296,"neg":-1,"keep":4294967295,"alice":1000}`)
	for _, tc := range []struct {
		user string
		ok   bool
		uid  int
	}{
		{"1000", true, 1000},
		{"0", true, 0},
		{"4294967294", true, 4294967294},
		{"alice", true, 1000},
		{"4294967296", false, 0}, // 2^32: fchown would make it 0, root
		{"4294967295", false, 0}, // (uid_t)-1: fchown would leave the owner unchanged
		{"-1", false, 0},
		{" 1000", false, 0},
		{"+1000", false, 0},
		{"01000", false, 0},
		{"big", false, 0},
		{"neg", false, 0},
		{"keep", false, 0},
	} {
		t.Run(tc.user, func(t *testing.T) {
			c := &config.Config{Entries: []config.Entry{{Path: "/srv", How: "bind", Type: "directory", User: tc.user, Group: "root", Mode: "0755"}}}
			p := Plan(c, dir)[0]
			switch {
			case tc.ok && (p.Err != nil || p.Entry.UID != tc.uid):
				t.Errorf("user %q: uid %d err %v, want uid %d", tc.user, p.Entry.UID, p.Err, tc.uid)
			case !tc.ok && p.Err == nil:
				t.Errorf("user %q: planned as uid %d, want the entry refused", tc.user, p.Entry.UID)
			}
		})
	}
}
