package check

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/adopted"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
	"github.com/blankslate/blankslate/mounts"
)

// attachedFixture is a running system in a temporary tree: the root at
// <dir>/sysroot (which the fixture's mountinfo calls rpool/nixos/empty), a tmpfs
// as the persistent root, and every default entry attached by mounts.Apply.
func attachedFixture(t *testing.T) *fixture {
	t.Helper()
	needNamespace(t)
	fx := newFixture(t)
	fx.in.Sys.InInitrd = false
	testns.MountTmpfs(t, fx.dir)
	root := fx.in.Root
	for _, d := range []string{root, root + "/persist"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	testns.MountTmpfs(t, root+"/persist")
	fx.write("mountinfo", "22 1 0:21 / / rw - tmpfs none rw\n30 22 0:40 / "+root+" rw - zfs rpool/nixos/empty rw\n")
	plan := mounts.Plan(fx.in.Config, root+"/persist")
	var entries []mounts.Entry
	for _, p := range plan {
		entries = append(entries, p.Entry)
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	if res := mounts.Apply(root, root+"/persist", entries, log); res.Failed() > 0 {
		t.Fatalf("apply: %+v", res.Outcomes)
	}
	t.Cleanup(func() {
		for _, p := range []string{"/etc/nixos", "/var/log", "/var/lib"} {
			_ = unix.Unmount(root+p, unix.MNT_DETACH)
		}
	})
	return fx
}

func TestAttachedSystemHasNoPersistProblems(t *testing.T) {
	fx := attachedFixture(t)
	r := Run(fx.in)
	for _, f := range r.Findings {
		if f.Severity.Problem() {
			t.Errorf("unexpected problem: %+v", f)
		}
	}
	if n := len(findingsOf(r, "persist.attached")); n != 5 {
		t.Errorf("%d attach findings, want 5", n)
	}
	if n := len(findingsOf(r, "persist.hidden")); n != 3 {
		t.Errorf("%d hidden-data findings, want one per bind entry (3)", n)
	}
}

func TestPersistProblemsAreReportedWithTheirFix(t *testing.T) {
	tests := []struct {
		name             string
		breakIt          func(fx *fixture, root string)
		check, object    string
		sev              Severity
		inMessage, inFix string
	}{
		{"wrong mode of a copy is a warning", func(fx *fixture, root string) { must(t, os.Chmod(root+"/persist/var/log", 0o700)) },
			"persist.copy", "/persist/var/log", Warning, "mode 0700, declared 0755", "chmod 0755 "},
		{"a copy owned by another user is an error, as persist refuses it", func(fx *fixture, root string) { must(t, os.Chown(root+"/persist/etc/nixos", 1000, 100)) },
			"persist.copy", "/persist/etc/nixos", Error, "persist refuses it: " + "ROOT/persist/etc/nixos is owned by uid 1000, not root", "chown it to root"},
		{"a copy owned by root, declared another user's, is a warning", func(fx *fixture, root string) {
			fx.in.Config.Entries[0].User = "1000"
		}, "persist.copy", "/persist/etc/nixos", Warning, "owner 0:0, declared 1000:root (1000:0)", "chown 1000:0 "},
		{"a copy of the wrong type is an error", func(fx *fixture, root string) {
			must(t, os.Remove(root+"/persist/etc/machine-id"))
			must(t, os.Mkdir(root+"/persist/etc/machine-id", 0o755))
		}, "persist.copy", "/persist/etc/machine-id", Error, "machine-id is a directory, not a file", "Move it away"},
		{"a missing copy is an error", func(fx *fixture, root string) {
			must(t, os.Remove(root+"/etc/ssh"))
			must(t, os.RemoveAll(root+"/persist/etc/ssh"))
		}, "persist.copy", "/persist/etc/ssh", Error, "does not exist", "Reboot: blankslate persist creates it"},
		{"an unmounted bind entry is an error", func(fx *fixture, root string) { must(t, unix.Unmount(root+"/var/log", 0)) },
			"persist.attached", "/var/log", Error, "is not attached", "mount --bind "},
		{"a missing symlink is an error", func(fx *fixture, root string) { must(t, os.Remove(root+"/etc/ssh")) },
			"persist.attached", "/etc/ssh", Error, "is not attached", "ln -s /persist/etc/ssh "},
		{"data hidden under a bind mount is a warning", func(fx *fixture, root string) {
			must(t, unix.Unmount(root+"/var/lib", 0))
			must(t, os.WriteFile(root+"/var/lib/stray", []byte("x"), 0o644))
			must(t, unix.Mount(root+"/persist/var/lib", root+"/var/lib", "", unix.MS_BIND, ""))
		}, "persist.hidden", "/var/lib", Warning, "hides 1 entries on the root dataset (stray)", "mount --bind "},
		{"an unmounted persistent root is an error", func(fx *fixture, root string) {
			for _, p := range []string{"/etc/nixos", "/var/log", "/var/lib", "/persist"} {
				must(t, unix.Unmount(root+p, unix.MNT_DETACH))
			}
		}, "persist.mounted", "/persist", Error, "is not a mount point", "mount -t zfs rpool/nixos/persist"},
		{"in the initrd the fix is blankslate persist", func(fx *fixture, root string) {
			fx.in.Sys.InInitrd = true
			must(t, unix.Unmount(root+"/var/log", 0))
		}, "persist.attached", "/var/log", Error, "is not attached", "blankslate persist --root " + "ROOT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := attachedFixture(t)
			root := fx.in.Root
			tc.breakIt(fx, root)
			r := Run(fx.in)
			for _, f := range findingsOf(r, tc.check) {
				fix := strings.ReplaceAll(tc.inFix, "ROOT", root)
				msg := strings.ReplaceAll(tc.inMessage, "ROOT", root)
				if strings.HasSuffix(f.Object, tc.object) && f.Severity == tc.sev &&
					strings.Contains(f.Message, msg) && strings.Contains(f.Fix, fix) {
					return
				}
			}
			t.Errorf("no %s %s finding on %s with ~%q and fix ~%q; got %+v", tc.sev, tc.check, tc.object, tc.inMessage, tc.inFix, findingsOf(r, tc.check))
		})
	}
}

// A rescued system mounted for a look (check --root /mnt): its persistent
// dataset not mounted beneath it is not checked, with an exit status of
// its own, never healthy nor an error; entries it has not attached (no
// system that is not running has them) are one line of information.
func TestRescuedRootSaysWhatWasNotChecked(t *testing.T) {
	tests := []struct {
		name     string
		breakIt  func(root string)
		check    string
		sev      Severity
		inMsg    string
		wantExit int
	}{
		{"persistent dataset not mounted", func(root string) {
			for _, p := range []string{"/etc/nixos", "/var/log", "/var/lib", "/persist"} {
				must(t, unix.Unmount(root+p, unix.MNT_DETACH))
			}
		}, "persist.mounted", NotChecked, "is not mounted: the persistent copies were not checked", ExitNotChecked},
		{"entries not attached", func(root string) {
			for _, p := range []string{"/etc/nixos", "/var/log", "/var/lib"} {
				must(t, unix.Unmount(root+p, unix.MNT_DETACH))
			}
			must(t, os.Remove(root+"/etc/ssh"))
		}, "persist.attached", Info, "4 of 5 entries are not attached beneath", ExitClean},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := attachedFixture(t)
			fx.in.Rescued = true
			tc.breakIt(fx.in.Root)
			r := Run(fx.in)
			got := findingsOf(r, tc.check)
			found := false
			for _, f := range got {
				found = found || f.Severity == tc.sev && strings.Contains(f.Message, tc.inMsg)
				if f.Severity.Problem() {
					t.Errorf("a problem: %+v", f)
				}
			}
			if !found {
				t.Errorf("no %s %s finding with %q; got %+v", tc.sev, tc.check, tc.inMsg, got)
			}
			if exit, _ := r.Outcome(); exit != tc.wantExit {
				t.Errorf("exit %d, want %d", exit, tc.wantExit)
			}
		})
	}
}

func TestRootNotMountedSkipsThePersistentPaths(t *testing.T) {
	fx := newFixture(t)
	r := Run(fx.in)
	f := findingsOf(r, "persist.root")
	if len(f) != 1 || f[0].Severity != NotChecked || !strings.Contains(f[0].Fix, "blankslate check --mount") || !strings.Contains(f[0].Fix, "blankslate check --root /mnt") {
		t.Errorf("got %+v", f)
	}
	if len(findingsOf(r, "persist.attached")) != 0 {
		t.Error("attachments checked on an unmounted root")
	}
}

// Looking beneath a mount must not even change an access time: the
// directory's atime is set far in the past, which a read would refresh
// (relatime), and is compared after the mount is gone.
func TestLookingUnderAMountChangesNoAccessTime(t *testing.T) {
	fx := attachedFixture(t)
	root := fx.in.Root
	dir := filepath.Join(root, "var/log")
	must(t, unix.Unmount(dir, 0))
	must(t, os.WriteFile(filepath.Join(dir, "old"), []byte("x"), 0o644))
	past := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	must(t, os.Chtimes(dir, past, past))
	must(t, unix.Mount(root+"/persist/var/log", dir, "", unix.MS_BIND, ""))
	names, _, err := underMount(root, "var/log", true)
	must(t, err)
	must(t, unix.Unmount(dir, 0))
	var st unix.Stat_t
	must(t, unix.Stat(dir, &st))
	if len(names) != 1 || names[0] != "old" {
		t.Errorf("names %v, want [old]", names)
	}
	if got := time.Unix(st.Atim.Unix()); !got.Equal(past) {
		t.Errorf("the access time changed to %v", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A path adopted but not declared is a warning naming the declaration;
// once declared, nothing is said about it.
func TestAdoptedButUndeclaredPathIsAWarning(t *testing.T) {
	tests := []struct {
		name     string
		declare  bool
		wantWarn bool
	}{
		{"undeclared", false, true},
		{"declared", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := attachedFixture(t)
			pr := fx.in.Root + "/persist"
			h, err := pathsafe.OpenRoot(pr, pathsafe.Root)
			must(t, err)
			defer h.Close()
			e := config.Entry{Path: "/srv/x", How: "bind", Type: "directory", User: "root", Group: "root", Mode: "0755"}
			must(t, adopted.Write(h, adopted.Note{Entry: e, Adopted: time.Now()}))
			if tc.declare {
				must(t, os.MkdirAll(pr+"/srv/x", 0o755))
				must(t, os.MkdirAll(fx.in.Root+"/srv/x", 0o755))
				must(t, unix.Mount(pr+"/srv/x", fx.in.Root+"/srv/x", "", unix.MS_BIND, ""))
				defer unix.Unmount(fx.in.Root+"/srv/x", unix.MNT_DETACH)
				fx.in.Config.Entries = append(fx.in.Config.Entries, e)
			}
			fs := findingsOf(Run(fx.in), "persist.adopted")
			warned := len(fs) == 1 && fs[0].Severity == Warning && strings.Contains(fs[0].Message, "the next boot will not attach it") &&
				strings.Contains(fs[0].Fix, `blankslate.directories = [ { directory = "/srv/x"`)
			if warned != tc.wantWarn || (!tc.wantWarn && len(fs) > 0) {
				t.Errorf("findings %+v, want a warning: %v", fs, tc.wantWarn)
			}
		})
	}
}
