package mounts

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/testns"
	"golang.org/x/sys/unix"
)

func statusByPath(t *testing.T, tr *tree, entries []Entry) map[string]EntryStatus {
	t.Helper()
	out := map[string]EntryStatus{}
	for _, s := range Status(tr.newRoot, tr.persist, entries) {
		out[s.Entry.Path] = s
	}
	return out
}

func TestStatusBeforeApplyReportsMissingCopiesAndWritesNothing(t *testing.T) {
	tr := newTree(t)
	snap := tr.snapshot()
	for p, s := range statusByPath(t, tr, defaults()) {
		if s.Attached || s.State != StateMissing || s.Err == nil {
			t.Errorf("%s: attached %v, state %q, err %v; want missing", p, s.Attached, s.State, s.Err)
		}
	}
	if got := tr.snapshot(); got != snap {
		t.Errorf("Status wrote to the tree:\n%s", got)
	}
}

func TestStatusAfterApplyReportsEveryEntryAttached(t *testing.T) {
	tr := newTree(t)
	mustSucceed(t, tr.apply(defaults()...))
	snap := tr.snapshot()
	for p, s := range statusByPath(t, tr, defaults()) {
		want := StateMounted
		if s.Entry.How == Symlink {
			want = StateLinked
		}
		if !s.Attached || s.State != want || s.Err != nil {
			t.Errorf("%s: attached %v, state %q, err %v; want %q", p, s.Attached, s.State, s.Err, want)
		}
		if s.Target != tr.path("sysroot"+p) || s.Source != tr.path("sysroot/persist"+p) {
			t.Errorf("%s: source %s target %s", p, s.Source, s.Target)
		}
	}
	if got := tr.snapshot(); got != snap {
		t.Errorf("Status wrote to the tree:\n%s", got)
	}
}

func TestStatusReportsWhatIsNotAttached(t *testing.T) {
	cases := []struct {
		name  string
		entry Entry
		setup func(tr *tree)
		state string
		want  string
	}{
		{"copy exists, target missing", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o755)
		}, StateNotMounted, "sysroot/var/lib does not exist"},
		{"mount point exists, not mounted", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o755)
			tr.mkdir("sysroot/var/lib", 0o755)
		}, StateNotMounted, "sysroot/var/lib is not a mount point"},
		{"unmounted after apply", bindDir("/var/lib"), func(tr *tree) {
			mustSucceed(t, tr.apply(bindDir("/var/lib")))
			if err := unix.Unmount(tr.path("sysroot/var/lib"), unix.MNT_DETACH); err != nil {
				t.Fatal(err)
			}
		}, StateNotMounted, "is not a mount point"},
		{"another file system mounted there", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o755)
			tr.mkdir("sysroot/var/lib", 0o755)
			testns.MountTmpfs(t, tr.path("sysroot/var/lib"))
		}, StateUnsafe, "is already a mount point, but not of"},
		{"symlink points elsewhere", linkDir("/etc/ssh"), func(tr *tree) {
			tr.mkdir("sysroot/persist/etc/ssh", 0o755)
			tr.symlink("sysroot/etc/ssh", "/etc/static/ssh")
		}, StateUnsafe, "is a symlink to /etc/static/ssh, not to /persist/etc/ssh"},
		{"directory where the symlink should be", linkDir("/etc/ssh"), func(tr *tree) {
			tr.mkdir("sysroot/persist/etc/ssh", 0o755)
			tr.mkdir("sysroot/etc/ssh", 0o755)
		}, StateUnsafe, "sysroot/etc/ssh is a directory, not a symlink"},
		{"persistent copy reached through a symlink", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("outside/lib", 0o755)
			tr.symlink("sysroot/persist/var", tr.outside)
		}, StateUnsafe, "persist/var is a symlink"},
		{"persistent copy world-writable", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o777)
		}, StateUnsafe, "writable by others"},
		{"target holding data a mount would hide", bindDir("/var/lib"), func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o755)
			tr.write("sysroot/var/lib/old", "x", 0o644)
		}, StateUnsafe, "already holds data"},
		{"copy missing, target a FIFO", bindDir("/var/lib"), func(tr *tree) {
			tr.fifo("sysroot/var/lib")
		}, StateUnsafe, "is a FIFO, not a directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			c.setup(tr)
			snap := tr.snapshot()
			s := Status(tr.newRoot, tr.persist, []Entry{c.entry})[0]
			if s.Attached || s.State != c.state || s.Err == nil || !strings.Contains(s.Err.Error(), c.want) {
				t.Errorf("attached %v, state %q, err %v; want state %q and an error containing %q", s.Attached, s.State, s.Err, c.state, c.want)
			}
			if c.state == StateUnsafe && !errors.Is(s.Err, ErrRefused) {
				t.Errorf("unsafe finding %v is not a refusal", s.Err)
			}
			if got := tr.snapshot(); got != snap {
				t.Errorf("Status wrote to the tree:\n%s", got)
			}
		})
	}
}

func TestStatusSymlinkNeedsPersistentRootBeneathNewRoot(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("elsewhere/etc/ssh", 0o755)
	s := Status(tr.newRoot, tr.path("elsewhere"), []Entry{linkDir("/etc/ssh")})[0]
	if s.Attached || s.State != StateUnsafe || !strings.Contains(s.Err.Error(), "would dangle") {
		t.Errorf("state %q, err %v; want unsafe, the link would dangle", s.State, s.Err)
	}
}

func TestStatusReportsUnusableRootForEveryEntry(t *testing.T) {
	tr := newTree(t)
	for _, s := range Status(tr.path("nowhere"), tr.persist, defaults()) {
		if s.Attached || s.State != StateError || !strings.HasPrefix(s.Err.Error(), s.Entry.Path+": ") {
			t.Errorf("%s: state %q, err %v; want an error naming the entry", s.Entry.Path, s.State, s.Err)
		}
	}
	if _, err := os.Stat(tr.path("nowhere")); !os.IsNotExist(err) {
		t.Errorf("Status created the missing root (%v)", err)
	}
}
