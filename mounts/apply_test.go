package mounts

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

func TestApplyAttachesDefaultEntries(t *testing.T) {
	tr := newTree(t)
	before := mountTable(t)
	res := tr.apply(defaults()...)
	mustSucceed(t, res)

	want := map[string]string{
		"/etc/nixos": ActionBindMounted, "/etc/ssh": ActionSymlinked, "/var/log": ActionBindMounted,
		"/var/lib": ActionBindMounted, "/etc/machine-id": ActionSymlinked,
	}
	for _, o := range res.Outcomes {
		if o.Action != want[o.Entry.Path] {
			t.Errorf("%s: action %q, want %q", o.Entry.Path, o.Action, want[o.Entry.Path])
		}
	}
	for _, p := range []string{"etc/nixos", "var/log", "var/lib"} {
		if !isMountOf(t, tr.path("sysroot/"+p), tr.path("sysroot/persist/"+p)) {
			t.Errorf("sysroot/%s is not a bind mount of sysroot/persist/%s", p, p)
		}
	}
	for p, to := range map[string]string{"etc/ssh": "/persist/etc/ssh", "etc/machine-id": "/persist/etc/machine-id"} {
		if got, err := os.Readlink(tr.path("sysroot/" + p)); err != nil || got != to {
			t.Errorf("sysroot/%s links to %q (%v), want %q", p, got, err, to)
		}
	}
	assertMountsBeneath(t, before, tr.newRoot)
	if got := len(newMounts(t, before)); got != 3 {
		t.Errorf("%d new mounts, want 3", got)
	}

	// Writes through the target land in the persistent copy.
	if err := os.WriteFile(tr.path("sysroot/var/lib/state"), []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tr.path("sysroot/persist/var/lib/state")); err != nil {
		t.Errorf("write through the bind mount did not reach the persistent copy: %v", err)
	}
}

func TestApplyTwiceChangesNothing(t *testing.T) {
	tr := newTree(t)
	mustSucceed(t, tr.apply(defaults()...))
	snap, mounts := tr.snapshot(), mountTable(t)

	res := tr.apply(defaults()...)
	mustSucceed(t, res)
	for _, o := range res.Outcomes {
		want := ActionAlreadyMounted
		if o.Entry.How == Symlink {
			want = ActionAlreadyLinked
		}
		if o.Action != want || len(o.Created) > 0 {
			t.Errorf("%s: second run did %q and created %v; want %q and nothing created", o.Entry.Path, o.Action, o.Created, want)
		}
	}
	assertNoNewMounts(t, mounts)
	if got := tr.snapshot(); got != snap {
		t.Errorf("second run changed the tree:\nbefore:\n%s\nafter:\n%s", snap, got)
	}
}

func TestApplyCompletesHalfDoneRun(t *testing.T) {
	cases := []struct {
		name  string
		setup func(tr *tree)
	}{
		{"copy created, not yet mounted", func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o755)
		}},
		{"copy and mount point created, not yet mounted", func(tr *tree) {
			tr.mkdir("sysroot/persist/var/lib", 0o755)
			tr.mkdir("sysroot/var/lib", 0o755)
			tr.write("sysroot/persist/etc/machine-id", "uninitialized\n", 0o444)
			tr.write("sysroot/etc/machine-id.unused", "", 0o644)
		}},
		{"parents only", func(tr *tree) {
			tr.mkdir("sysroot/persist/etc", 0o755)
			tr.mkdir("sysroot/var", 0o755)
		}},
		{"some entries attached, others not", func(tr *tree) {
			mustSucceed(t, tr.apply(bindDir("/var/log"), linkDir("/etc/ssh")))
		}},
		{"file mount point created, not yet mounted", func(tr *tree) {
			tr.write("sysroot/persist/etc/hostid", "abcd", 0o644)
			tr.write("sysroot/etc/hostid", "", 0o644)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			c.setup(tr)
			entries := append(defaults(), bindFile("/etc/hostid"))
			mustSucceed(t, tr.apply(entries...))
			st := Status(tr.newRoot, tr.persist, entries)
			for _, s := range st {
				if !s.Attached {
					t.Errorf("%s: not attached after completing the run: %s: %v", s.Entry.Path, s.State, s.Err)
				}
			}
		})
	}
}

func TestApplyCreatesMissingCopyWithEntryOwnerAndMode(t *testing.T) {
	tr := newTree(t)
	old := unix.Umask(0o077) // the modes must not depend on the umask
	defer unix.Umask(old)
	entries := []Entry{
		{Path: "/srv/app/data", How: Bind, Kind: Directory, UID: 1000, GID: 100, Mode: 0o750},
		{Path: "/srv/app/token", How: Bind, Kind: File, UID: 1001, GID: 101, Mode: 0o600},
		{Path: "/etc/shared", How: Symlink, Kind: Directory, UID: 0, GID: 0, Mode: 0o1777 | os.ModeSticky},
	}
	mustSucceed(t, tr.apply(entries...))
	check := func(rel string, uid, gid uint32, mode uint32) {
		t.Helper()
		var st unix.Stat_t
		if err := unix.Lstat(tr.path(rel), &st); err != nil {
			t.Fatal(err)
		}
		if st.Uid != uid || st.Gid != gid || st.Mode&0o7777 != mode {
			t.Errorf("%s is %d:%d %04o, want %d:%d %04o", rel, st.Uid, st.Gid, st.Mode&0o7777, uid, gid, mode)
		}
	}
	check("sysroot/persist/srv/app/data", 1000, 100, 0o750)
	check("sysroot/persist/srv/app/token", 1001, 101, 0o600)
	check("sysroot/persist/etc/shared", 0, 0, 0o1777)
	for _, parent := range []string{"sysroot/persist/srv", "sysroot/persist/srv/app", "sysroot/srv", "sysroot/srv/app", "sysroot/etc"} {
		check(parent, 0, 0, 0o755)
	}
}

func TestApplyKeepsExistingCopyOwnerAndMode(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("sysroot/persist/var/lib", 0o700)
	tr.mkdir("sysroot/persist/home/alice", 0o700)
	tr.chown("sysroot/persist/home/alice", 1000, 1000)
	tr.write("sysroot/persist/etc/secret", "s3cret", 0o400)
	entries := []Entry{
		bindDir("/var/lib"),
		{Path: "/home/alice", How: Bind, Kind: Directory, UID: 1000, GID: 1000, Mode: 0o755},
		linkFile("/etc/secret"),
	}
	mustSucceed(t, tr.apply(entries...))
	for rel, want := range map[string]string{
		"sysroot/persist/var/lib":    "0:0 700",
		"sysroot/persist/home/alice": "1000:1000 700",
		"sysroot/persist/etc/secret": "0:0 400",
	} {
		var st unix.Stat_t
		if err := unix.Lstat(tr.path(rel), &st); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(strings.Join([]string{itoa(st.Uid) + ":" + itoa(st.Gid), octal(st.Mode & 0o7777)}, " ")); got != want {
			t.Errorf("%s is %s, want it kept as %s", rel, got, want)
		}
	}
	if b, _ := os.ReadFile(tr.path("sysroot/persist/etc/secret")); string(b) != "s3cret" {
		t.Errorf("existing copy's content changed to %q", b)
	}
}

func TestApplyMachineIDStartsUninitializedAndIsNeverRewritten(t *testing.T) {
	tr := newTree(t)
	res := tr.apply(linkFile("/etc/machine-id"))
	mustSucceed(t, res)
	copyPath := tr.path("sysroot/persist/etc/machine-id")
	if b, err := os.ReadFile(copyPath); err != nil || string(b) != "uninitialized\n" {
		t.Fatalf("first boot: persistent machine-id holds %q (%v), want \"uninitialized\\n\" so that ConditionFirstBoot holds", b, err)
	}
	if link, _ := os.Readlink(tr.path("sysroot/etc/machine-id")); link != "/persist/etc/machine-id" {
		t.Errorf("/etc/machine-id links to %q, want /persist/etc/machine-id", link)
	}

	// systemd-machine-id-setup --commit --root /persist writes the ID.
	const id = "0123456789abcdef0123456789abcdef\n"
	if err := os.WriteFile(copyPath, []byte(id), 0o444); err != nil {
		t.Fatal(err)
	}
	// The next boot: a fresh root, the same persistent copy.
	if err := os.Remove(tr.path("sysroot/etc/machine-id")); err != nil {
		t.Fatal(err)
	}
	res = tr.apply(linkFile("/etc/machine-id"))
	mustSucceed(t, res)
	if b, _ := os.ReadFile(copyPath); string(b) != id {
		t.Errorf("later boot: persistent machine-id holds %q, want the committed ID kept", b)
	}
	if len(res.Outcomes[0].Created) != 1 || res.Outcomes[0].Created[0] != tr.path("sysroot/etc/machine-id") {
		t.Errorf("later boot created %v, want only the symlink", res.Outcomes[0].Created)
	}
}

func TestApplySSHDirectoryExistsBeforeSwitchRoot(t *testing.T) {
	tr := newTree(t)
	mustSucceed(t, tr.apply(linkDir("/etc/ssh")))
	link, err := os.Readlink(tr.path("sysroot/etc/ssh"))
	if err != nil || link != "/persist/etc/ssh" {
		t.Fatalf("sysroot/etc/ssh links to %q (%v), want /persist/etc/ssh", link, err)
	}
	// Follow the link as the system will after switch-root.
	fi, err := os.Stat(filepath.Join(tr.newRoot, link))
	if err != nil || !fi.IsDir() {
		t.Errorf("after switch-root /etc/ssh would lead to %v (%v), want an existing directory", fi, err)
	}
}

func TestApplyLogsOneLinePerEntryAndSummary(t *testing.T) {
	tr := newTree(t)
	tr.symlink("sysroot/persist/srv", "/")
	var buf bytes.Buffer
	log := logrus.New()
	log.SetOutput(&buf)
	log.SetLevel(logrus.DebugLevel) // each entry attached is a debug line
	entries := append(defaults(), bindDir("/srv/data"))
	res := Apply(tr.newRoot, tr.persist, entries, log)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(entries)+1 {
		t.Fatalf("%d log lines, want one per entry and a summary (%d):\n%s", len(lines), len(entries)+1, buf.String())
	}
	for i, e := range entries {
		if !strings.Contains(lines[i], e.Path+":") {
			t.Errorf("log line %d does not name %s: %s", i, e.Path, lines[i])
		}
	}
	if !strings.Contains(lines[1], tr.path("sysroot/etc/ssh")) || !strings.Contains(lines[1], "/persist/etc/ssh") {
		t.Errorf("symlink line does not say what and where: %s", lines[1])
	}
	if !strings.Contains(lines[5], "level=error") || !strings.Contains(lines[5], "is a symlink") {
		t.Errorf("refusal line does not say why: %s", lines[5])
	}
	sum := lines[len(lines)-1]
	if !strings.Contains(sum, "attached 5 of 6 entries, 1 failed, in ") || res.Failed() != 1 {
		t.Errorf("summary %q (Failed %d), want the count and time taken", sum, res.Failed())
	}
}

func TestApplyBindsWithMountFallbackWithoutOpenTree(t *testing.T) {
	tr := newTree(t)
	useOpenTree = false
	defer func() { useOpenTree = true }()
	before := mountTable(t)
	mustSucceed(t, tr.apply(bindDir("/var/lib"), bindFile("/etc/hostid")))
	if !isMountOf(t, tr.path("sysroot/var/lib"), tr.path("sysroot/persist/var/lib")) ||
		!isMountOf(t, tr.path("sysroot/etc/hostid"), tr.path("sysroot/persist/etc/hostid")) {
		t.Error("fallback mount(2) did not bind the persistent copies")
	}
	assertMountsBeneath(t, before, tr.newRoot)
}

func TestApplyOtherEntriesProceedAfterRefusal(t *testing.T) {
	tr := newTree(t)
	tr.symlink("sysroot/persist/var", tr.outside)
	res := tr.apply(defaults()...)
	if res.Failed() != 2 {
		t.Fatalf("Failed() = %d, want 2 (/var/log and /var/lib)", res.Failed())
	}
	for _, o := range res.Outcomes {
		bad := strings.HasPrefix(o.Entry.Path, "/var/")
		if bad != (o.Err != nil) {
			t.Errorf("%s: error %v", o.Entry.Path, o.Err)
		}
	}
}

func TestApplySymlinkEntryNeedsPersistentRootBeneathNewRoot(t *testing.T) {
	tr := newTree(t)
	elsewhere := tr.path("persist-elsewhere")
	tr.mkdir("persist-elsewhere", 0o755)
	res := Apply(tr.newRoot, elsewhere, []Entry{linkDir("/etc/ssh"), bindDir("/var/lib")}, testLogger(t))
	if o := res.Outcomes[0]; !errors.Is(o.Err, ErrRefused) || !strings.Contains(o.Err.Error(), "would dangle after switch-root") {
		t.Errorf("/etc/ssh: %v, want a refusal saying the link would dangle", o.Err)
	}
	if _, err := os.Lstat(filepath.Join(elsewhere, "etc")); !os.IsNotExist(err) {
		t.Errorf("a refused symlink entry still created its copy (%v)", err)
	}
	if o := res.Outcomes[1]; o.Err != nil || !isMountOf(t, tr.path("sysroot/var/lib"), filepath.Join(elsewhere, "var/lib")) {
		t.Errorf("/var/lib: %v, want it bind-mounted from the other persistent root", o.Err)
	}
}

func TestApplyRefusesUnusableRoots(t *testing.T) {
	cases := []struct {
		name, want string
		setup      func(tr *tree) (newRoot, persist string)
	}{
		{"persistent root is a symlink", "is a symlink", func(tr *tree) (string, string) {
			tr.mkdir("sysroot2", 0o755)
			tr.symlink("sysroot2/persist", tr.outside)
			return tr.path("sysroot2"), tr.path("sysroot2/persist")
		}},
		{"new root is world-writable", "writable by others", func(tr *tree) (string, string) {
			tr.mkdir("sysroot2/persist", 0o755)
			tr.mkdir("sysroot2", 0o777)
			return tr.path("sysroot2"), tr.path("sysroot2/persist")
		}},
		{"new root missing", "no such file", func(tr *tree) (string, string) {
			return tr.path("nowhere"), tr.persist
		}},
		{"relative path", "absolute, clean", func(tr *tree) (string, string) {
			return "sysroot", tr.persist
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			newRoot, persist := c.setup(tr)
			before := mountTable(t)
			res := Apply(newRoot, persist, defaults(), testLogger(t))
			if res.Failed() != len(defaults()) {
				t.Fatalf("Failed() = %d, want every entry failed", res.Failed())
			}
			for _, o := range res.Outcomes {
				if !strings.Contains(o.Err.Error(), c.want) || !strings.HasPrefix(o.Err.Error(), o.Entry.Path+": ") {
					t.Errorf("%s: %v, want it named and %q", o.Entry.Path, o.Err, c.want)
				}
			}
			assertNoNewMounts(t, before)
		})
	}
}

func TestApplyRefusesEntryOverlappingPersistentRoot(t *testing.T) {
	for _, p := range []string{"/persist", "/persist/etc"} {
		t.Run(p, func(t *testing.T) {
			tr := newTree(t)
			mustRefuse(t, tr.apply(bindDir(p)), "overlaps the persistent root")
		})
	}
}

func itoa(u uint32) string  { return strconv.FormatUint(uint64(u), 10) }
func octal(u uint32) string { return strconv.FormatUint(uint64(u), 8) }

// At the usual level only failures and the summary are logged: a thousand
// "attached" lines would cost the boot seconds on a serial console.
func TestApplyLogsOnlyFailuresAndTheSummaryAtLevelInfo(t *testing.T) {
	tr := newTree(t)
	tr.symlink("sysroot/persist/srv", "/")
	var buf bytes.Buffer
	log := logrus.New()
	log.SetOutput(&buf)
	res := Apply(tr.newRoot, tr.persist, append(defaults(), bindDir("/srv/data")), log)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if res.Failed() != 1 || len(lines) != 2 || !strings.Contains(lines[0], "/srv/data:") || !strings.Contains(lines[1], "attached 5 of 6 entries") {
		t.Errorf("%d failed; log:\n%s\nwant the failure and the summary only", res.Failed(), buf.String())
	}
}
