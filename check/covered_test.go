package check

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/mountinfo"
)

// A bind entry persist attached in the initrd, then covered by a file system
// mounted over a parent after switch-root (home.mount over /home/alice's
// bind), is found from mountinfo alone: the bind from the persistent file
// system, and a later mount at an ancestor.
func TestCoveredByFindsAMountMadeOverABindEntry(t *testing.T) {
	const (
		root    = "1 0 0:20 / / rw - zfs rpool/nixos/empty rw\n"
		persist = "2 1 0:30 / /persist rw - zfs rpool/nixos/persist rw\n"
		bind    = "3 1 0:30 /home/alice /home/alice rw - zfs rpool/nixos/persist rw\n"
		home    = "4 1 0:40 / /home rw - zfs rpool/home rw\n"
	)
	tests := []struct {
		name      string
		mountinfo string
		want      string // the covering mount point; "" for none
	}{
		{"/home mounted after the bind covers it", root + persist + bind + home, "/home"},
		{"/home mounted before the bind does not", root + persist + home + strings.Replace(bind, "3 1", "5 4", 1), ""},
		{"bound again on top of the cover: attached, not covered", root + persist + bind + home + strings.Replace(bind, "3 1", "6 4", 1), ""},
		{"a later mount of a sibling whose name starts the same does not", root + persist + bind + "4 1 0:40 / /hom rw - zfs rpool/hom rw\n", ""},
		{"a later mount beneath the entry does not", root + persist + bind + "4 3 0:40 / /home/alice/x rw - tmpfs none rw\n", ""},
		{"a mount at the entry from another file system is no bind of ours", root + persist + "3 1 0:50 /home/alice /home/alice rw - zfs rpool/other rw\n" + home, ""},
		{"no bind at all", root + persist + home, ""},
		{"the covered bind from a persistent root mounted from a subdirectory",
			root + "2 1 0:30 /state /persist rw - zfs rpool/data rw\n" + "3 1 0:30 /state/home/alice /home/alice rw - zfs rpool/data rw\n" + home, "/home"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := mountinfo.Parse(strings.NewReader(tc.mountinfo))
			if err != nil {
				t.Fatal(err)
			}
			pm, _ := mountinfo.At(ms, "/persist")
			c, ok := coveredBy(ms, "/home/alice", pm, "/home/alice")
			if got := map[bool]string{true: c.Point}[ok]; got != tc.want {
				t.Errorf("covered by %q, want %q", got, tc.want)
			}
		})
	}
}

// On a running system, the covered entry is one error naming the mount over
// it and the fix, instead of "not attached" with a bind mount as the fix
// (which a reboot would undo again).
func TestCoveredEntryIsAnErrorNamingTheMountOverIt(t *testing.T) {
	for _, mode := range []string{"0755", "1777"} { // 1777: persist would refuse the path too
		t.Run("cover of mode "+mode, func(t *testing.T) { coveredEntry(t, mode) })
	}
}

func coveredEntry(t *testing.T, mode string) {
	fx := attachedFixture(t)
	root := fx.in.Root
	must(t, unix.Mount("tmpfs", root+"/var", "tmpfs", 0, "mode="+mode))
	t.Cleanup(func() { _ = unix.Unmount(root+"/var", unix.MNT_DETACH) })
	must(t, os.Mkdir(root+"/var/log", 0o755))
	fx.write("mountinfo", "22 1 0:21 / / rw - tmpfs none rw\n30 22 0:40 / "+root+" rw - zfs rpool/nixos/empty rw\n"+
		"31 30 0:41 / "+root+"/persist rw - zfs rpool/nixos/persist rw\n"+
		"32 30 0:41 /var/log "+root+"/var/log rw - zfs rpool/nixos/persist rw\n"+
		"40 30 0:50 / "+root+"/var rw - zfs rpool/var rw\n")
	r := Run(fx.in)
	f := findingsOf(r, "persist.covered")
	if len(f) != 1 || f[0].Severity != Error || f[0].Object != "/var/log" ||
		!strings.Contains(f[0].Message, root+"/var (rpool/var, zfs) was mounted over") ||
		!strings.Contains(f[0].Fix, "neededForBoot = true") {
		t.Fatalf("got %+v", f)
	}
	for _, a := range findingsOf(r, "persist.attached") {
		if a.Object == "/var/log" {
			t.Errorf("also reported as not attached: %+v", a)
		}
	}
}
