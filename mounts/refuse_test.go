package mounts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

// A symlink at any component of the way to a persistent copy, or to a
// target, whatever it points at, is refused, and nothing is mounted or
// created where it leads.
func TestApplyRefusesSymlinkAtEveryComponent(t *testing.T) {
	// Every component has a name found nowhere else, so that a broken
	// implementation following a link to "/" or out through ../.. would
	// leave a probe behind on the host (the file system is shared; only
	// mounts are private). Probes are removed only if empty (os.Remove,
	// never RemoveAll, which could descend into a stray mount).
	entry := bindDir("/bst-a/bst-b/bst-c")
	components := []string{"bst-a", "bst-a/bst-b", "bst-a/bst-b/bst-c"}
	probes := []string{"/bst-b/bst-c", "/bst-b", "/bst-c", "/tmp/bst-b/bst-c", "/tmp/bst-b", "/tmp/bst-c"}
	for _, p := range probes {
		if _, err := os.Lstat(p); err == nil {
			t.Fatalf("%s exists before the test; remove it", p)
		}
	}
	pointsTo := map[string]func(tr *tree) string{
		"to /":                  func(tr *tree) string { return "/" },
		"to the new root's etc": func(tr *tree) string { return tr.path("sysroot/etc") },
		"via ../..":             func(tr *tree) string { return "../../.." },
		"dangling":              func(tr *tree) string { return "/nonexistent-bst-probe" },
		"to outside":            func(tr *tree) string { return tr.outside },
	}
	for _, side := range []string{"sysroot/persist", "sysroot"} {
		for _, comp := range components {
			for name, to := range pointsTo {
				t.Run(side+"/"+comp+" "+name, func(t *testing.T) {
					tr := newTree(t)
					tr.mkdir("sysroot/etc", 0o755)
					tr.mkdir("outside/bst-b/bst-c", 0o755)
					link := side + "/" + comp
					tr.symlink(link, to(tr))
					before, snapEtc, snapOut := mountTable(t), listDir(t, tr.path("sysroot/etc")), listDir(t, tr.outside)

					mustRefuse(t, tr.apply(entry), tr.path(link)+" is a symlink")

					assertNoNewMounts(t, before)
					if got := listDir(t, tr.path("sysroot/etc")); got != snapEtc {
						t.Errorf("the new root's etc changed: %s", got)
					}
					if got := listDir(t, tr.outside); got != snapOut {
						t.Errorf("outside changed: %s", got)
					}
					for _, p := range probes {
						if _, err := os.Lstat(p); err == nil {
							t.Errorf("%s was created on the host", p)
							_ = os.Remove(p)
						}
					}
				})
			}
		}
	}
}

// The refusal text names the entry, the path, what was left untouched and
// what to do.
func TestRefusalNamesEntryPathAndFix(t *testing.T) {
	tr := newTree(t)
	tr.symlink("sysroot/persist/var", tr.outside)
	res := tr.apply(bindDir("/var/lib"))
	want := "/var/lib: refused: " + tr.path("sysroot/persist/var") +
		" is a symlink; nothing was mounted for this entry. Replace the symlink with a real directory."
	if got := res.Outcomes[0].Err.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestApplyRefusesWrongFileTypes(t *testing.T) {
	cases := []struct {
		name  string
		entry Entry
		setup func(tr *tree)
		want  string // after the path
	}{
		{"FIFO as a directory copy", bindDir("/var/lib"), func(tr *tree) { tr.fifo("sysroot/persist/var/lib") }, "var/lib is a FIFO, not a directory"},
		{"device as a directory copy", bindDir("/var/lib"), func(tr *tree) { tr.device("sysroot/persist/var/lib") }, "var/lib is a character device, not a directory"},
		{"file as a directory copy", bindDir("/var/lib"), func(tr *tree) { tr.write("sysroot/persist/var/lib", "x", 0o644) }, "var/lib is a regular file, not a directory"},
		{"directory as a file copy", bindFile("/etc/hostid"), func(tr *tree) { tr.mkdir("sysroot/persist/etc/hostid", 0o755) }, "etc/hostid is a directory, not a file"},
		{"FIFO as a file copy", linkFile("/etc/machine-id"), func(tr *tree) { tr.fifo("sysroot/persist/etc/machine-id") }, "etc/machine-id is a FIFO, not a file"},
		{"file as a persistent parent", bindDir("/var/lib"), func(tr *tree) { tr.write("sysroot/persist/var", "", 0o644) }, "persist/var is a regular file, not a directory"},
		{"FIFO as a persistent parent", bindDir("/var/lib"), func(tr *tree) { tr.fifo("sysroot/persist/var") }, "persist/var is a FIFO, not a directory"},
		{"device as a target parent", bindDir("/var/lib"), func(tr *tree) { tr.device("sysroot/var") }, "sysroot/var is a character device, not a directory"},
		{"FIFO as a bind target", bindDir("/var/lib"), func(tr *tree) { tr.fifo("sysroot/var/lib") }, "sysroot/var/lib is a FIFO, not a directory"},
		{"device as a bind target", bindFile("/etc/hostid"), func(tr *tree) { tr.device("sysroot/etc/hostid") }, "sysroot/etc/hostid is a character device, not a regular file"},
		{"directory as a file bind target", bindFile("/etc/hostid"), func(tr *tree) { tr.mkdir("sysroot/etc/hostid", 0o755) }, "sysroot/etc/hostid is a directory, not a regular file"},
		{"file as a directory bind target", bindDir("/var/lib"), func(tr *tree) { tr.write("sysroot/var/lib", "", 0o644) }, "sysroot/var/lib is a regular file, not a directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			c.setup(tr)
			before := mountTable(t)
			mustRefuse(t, tr.apply(c.entry), c.want)
			assertNoNewMounts(t, before)
		})
	}
}

func TestApplyRefusesBindTargetHoldingData(t *testing.T) {
	cases := []struct {
		name  string
		entry Entry
		setup func(tr *tree)
		data  string
	}{
		{"non-empty directory", bindDir("/var/lib"), func(tr *tree) { tr.write("sysroot/var/lib/old/state", "precious", 0o644) }, "sysroot/var/lib/old/state"},
		{"non-empty file", bindFile("/etc/hostid"), func(tr *tree) { tr.write("sysroot/etc/hostid", "precious", 0o644) }, "sysroot/etc/hostid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			c.setup(tr)
			before := mountTable(t)
			mustRefuse(t, tr.apply(c.entry), "already holds data")
			assertNoNewMounts(t, before)
			if b, err := os.ReadFile(tr.path(c.data)); err != nil || string(b) != "precious" {
				t.Errorf("the data is no longer visible: %q, %v", b, err)
			}
		})
	}
}

func TestApplyRefusesBindTargetThatIsAnotherMount(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("sysroot/var/lib", 0o755)
	testns.MountTmpfs(t, tr.path("sysroot/var/lib"))
	before := mountTable(t)
	mustRefuse(t, tr.apply(bindDir("/var/lib")), "is already a mount point, but not of")
	assertNoNewMounts(t, before)
}

func TestApplyNeverReplacesNonSymlinkWithSymlink(t *testing.T) {
	cases := map[string]func(tr *tree){
		"empty directory":     func(tr *tree) { tr.mkdir("sysroot/etc/ssh", 0o755) },
		"directory with data": func(tr *tree) { tr.write("sysroot/etc/ssh/ssh_host_ed25519_key", "key", 0o600) },
		"empty file":          func(tr *tree) { tr.write("sysroot/etc/ssh", "", 0o644) },
		"FIFO":                func(tr *tree) { tr.fifo("sysroot/etc/ssh") },
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			tr := newTree(t)
			setup(tr)
			snap := lstatString(t, tr.path("sysroot/etc/ssh"))
			mustRefuse(t, tr.apply(linkDir("/etc/ssh")), "sysroot/etc/ssh is a ")
			if got := lstatString(t, tr.path("sysroot/etc/ssh")); got != snap {
				t.Errorf("target changed from %s to %s", snap, got)
			}
		})
	}
}

func TestApplyRefusesSymlinkPointingElsewhere(t *testing.T) {
	for _, to := range []string{"/etc/static/ssh", "persist/etc/ssh", "/persist/etc/ssh/"} {
		t.Run(to, func(t *testing.T) {
			tr := newTree(t)
			tr.symlink("sysroot/etc/ssh", to)
			mustRefuse(t, tr.apply(linkDir("/etc/ssh")), "is a symlink to "+to+", not to /persist/etc/ssh")
			if got, _ := os.Readlink(tr.path("sysroot/etc/ssh")); got != to {
				t.Errorf("the existing link changed to %q", got)
			}
		})
	}
}

func TestApplyRefusesUntrustedComponents(t *testing.T) {
	cases := []struct {
		name  string
		entry Entry
		setup func(tr *tree)
		want  string
	}{
		{"persistent parent owned by a user", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var", 0o755)
			tr.chown("sysroot/persist/var", 1000, 1000)
		}, "persist/var is owned by uid 1000, not root"},
		{"persistent parent writable by others", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var", 0o777)
		}, "persist/var is writable by others (mode 0777)"},
		{"persistent parent writable by others even if sticky", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var", 0o1777|os.ModeSticky)
		}, "persist/var is writable by others (mode 1777)"},
		{"persistent copy owned by a user", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o755)
			tr.chown("sysroot/persist/var/lib", 1000, 1000)
		}, "persist/var/lib is owned by uid 1000, not root"},
		{"persistent copy writable by others", linkFile("/etc/machine-id"), func(tr *tree) {
			tr.write("sysroot/persist/etc/machine-id", "", 0o666)
		}, "persist/etc/machine-id is writable by others (mode 0666)"},
		{"target parent owned by a user", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/var", 0o755)
			tr.chown("sysroot/var", 1000, 1000)
		}, "sysroot/var is owned by uid 1000, not root"},
		{"target parent writable by others", linkDir("/etc/ssh"), func(tr *tree) {
			tr.mkdir("sysroot/etc", 0o777)
		}, "sysroot/etc is writable by others (mode 0777)"},
		{"a user's entry under another user's directory", Entry{Path: "/home/alice/.ssh", How: Bind, Kind: Directory, UID: 1000, GID: 1000, Mode: 0o700}, func(tr *tree) {
			tr.mkdir("sysroot/persist/home/alice", 0o755)
			tr.chown("sysroot/persist/home/alice", 1001, 1001)
		}, "persist/home/alice is owned by uid 1001, not root or uid 1000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			c.setup(tr)
			before := mountTable(t)
			mustRefuse(t, tr.apply(c.entry), c.want)
			assertNoNewMounts(t, before)
		})
	}
}

func TestApplyAcceptsUserOwnedComponentsForThatUsersEntry(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("sysroot/persist/home/alice", 0o700)
	tr.chown("sysroot/persist/home/alice", 1000, 100)
	e := Entry{Path: "/home/alice/.ssh", How: Bind, Kind: Directory, UID: 1000, GID: 100, Mode: 0o700}
	mustSucceed(t, tr.apply(e))
	if !isMountOf(t, tr.path("sysroot/home/alice/.ssh"), tr.path("sysroot/persist/home/alice/.ssh")) {
		t.Error("the user's entry was not mounted")
	}
}

func TestApplyRejectsInvalidEntries(t *testing.T) {
	cases := map[string]Entry{
		"relative path":             {Path: "var/lib", How: Bind, Kind: Directory, Mode: 0o755},
		"unclean path":              {Path: "/var/../etc", How: Bind, Kind: Directory, Mode: 0o755},
		"the root itself":           {Path: "/", How: Bind, Kind: Directory, Mode: 0o755},
		"unknown how":               {Path: "/var/lib", How: "copy", Kind: Directory, Mode: 0o755},
		"unknown type":              {Path: "/var/lib", How: Bind, Kind: "socket", Mode: 0o755},
		"world-writable, no sticky": {Path: "/var/tmp", How: Bind, Kind: Directory, Mode: 0o777},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			tr := newTree(t)
			snap := tr.snapshot()
			res := tr.apply(e)
			if res.Failed() != 1 || !strings.Contains(res.Outcomes[0].Err.Error(), "invalid entry") {
				t.Errorf("got %v, want an invalid-entry error", res.Outcomes[0].Err)
			}
			if got := tr.snapshot(); got != snap {
				t.Errorf("an invalid entry changed the tree:\n%s", got)
			}
		})
	}
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		names = append(names, strings.TrimPrefix(p, dir))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, ",")
}

func lstatString(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().String() + " " + fi.ModTime().String()
}

// Without openat2 nothing is resolved some weaker way: every entry fails
// and nothing is written or mounted. A path that keeps changing (EAGAIN on
// every try) is refused the same way.
func TestApplyFailsClosedWhenOpenat2CannotBeUsed(t *testing.T) {
	cases := []struct {
		name  string
		errno unix.Errno
		want  string
	}{
		{"kernel without openat2", unix.ENOSYS, "openat2 is not available"},
		{"path renamed on every try", unix.EAGAIN, "kept changing while it was being looked up"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			tr.mkdir("sysroot/persist/var", 0o755)
			snap, before := tr.snapshot(), mountTable(t)
			defer pathsafe.Inject(pathsafe.Fault{Openat2: func(int, string, *unix.OpenHow) (int, error) { return -1, c.errno }})()
			res := tr.apply(defaults()...)
			if res.Failed() != len(defaults()) {
				t.Errorf("Failed() = %d, want every entry failed", res.Failed())
			}
			for _, o := range res.Outcomes {
				if o.Err == nil || !strings.Contains(o.Err.Error(), c.want) {
					t.Errorf("%s: %v, want %q", o.Entry.Path, o.Err, c.want)
				}
			}
			assertNoNewMounts(t, before)
			if got := tr.snapshot(); got != snap {
				t.Errorf("the tree changed:\n%s", got)
			}
		})
	}
}
