package mounts

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/testns"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testns.Main(m) }

// tree is a temporary system: base is a fresh tmpfs; newRoot is
// base/sysroot; persist is base/sysroot/persist, a tmpfs of its own as the
// persistent dataset is; outside is base/outside, somewhere symlinks can
// lead that is beneath neither root.
type tree struct {
	t                               *testing.T
	base, newRoot, persist, outside string
}

func newTree(t *testing.T) *tree {
	t.Helper()
	if !testns.Active() {
		t.Fatal("these tests mount file systems and must run as root (they re-exec themselves in a private mount namespace); run them as root")
	}
	base := t.TempDir()
	testns.MountTmpfs(t, base)
	tr := &tree{t: t, base: base, newRoot: filepath.Join(base, "sysroot"),
		persist: filepath.Join(base, "sysroot/persist"), outside: filepath.Join(base, "outside")}
	tr.mkdir("sysroot", 0o755)
	tr.mkdir("sysroot/persist", 0o755)
	testns.MountTmpfs(t, tr.persist)
	tr.mkdir("outside", 0o755)
	return tr
}

func (tr *tree) path(rel string) string { return filepath.Join(tr.base, rel) }

func (tr *tree) mkdir(rel string, mode os.FileMode) {
	tr.t.Helper()
	p := tr.path(rel)
	if err := os.MkdirAll(p, 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) write(rel, content string, mode os.FileMode) {
	tr.t.Helper()
	tr.mkdir(filepath.Dir(rel), 0o755)
	if err := os.WriteFile(tr.path(rel), []byte(content), mode); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.Chmod(tr.path(rel), mode); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) symlink(rel, to string) {
	tr.t.Helper()
	tr.mkdir(filepath.Dir(rel), 0o755)
	if err := os.Symlink(to, tr.path(rel)); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) fifo(rel string) {
	tr.t.Helper()
	tr.mkdir(filepath.Dir(rel), 0o755)
	if err := unix.Mkfifo(tr.path(rel), 0o644); err != nil {
		tr.t.Fatal(err)
	}
}

// device makes a character device like /dev/null.
func (tr *tree) device(rel string) {
	tr.t.Helper()
	tr.mkdir(filepath.Dir(rel), 0o755)
	if err := unix.Mknod(tr.path(rel), unix.S_IFCHR|0o644, int(unix.Mkdev(1, 3))); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) chown(rel string, uid, gid int) {
	tr.t.Helper()
	if err := os.Lchown(tr.path(rel), uid, gid); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) apply(entries ...Entry) Result {
	tr.t.Helper()
	return Apply(tr.newRoot, tr.persist, entries, testLogger(tr.t))
}

// snapshot lists everything beneath base: path, type, mode, owner, size,
// link text. Two equal snapshots mean nothing was written.
func (tr *tree) snapshot() string {
	tr.t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(tr.base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return err
		}
		link, _ := os.Readlink(p)
		fmt.Fprintf(&b, "%s %o %d:%d %d %q\n", strings.TrimPrefix(p, tr.base), st.Mode, st.Uid, st.Gid, st.Size, link)
		return nil
	})
	if err != nil {
		tr.t.Fatal(err)
	}
	return b.String()
}

// mountTable maps mount ID to mount point and to "major:minor root",
// from /proc/self/mountinfo.
type mountInfo struct{ point, dev, root string }

func mountTable(t *testing.T) map[int]mountInfo {
	t.Helper()
	ms, err := mountinfo.Read("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]mountInfo{}
	for _, m := range ms {
		out[m.ID] = mountInfo{point: m.Point, dev: m.Dev, root: m.Root}
	}
	return out
}

// newMounts lists mounts present now that were not in before.
func newMounts(t *testing.T, before map[int]mountInfo) []mountInfo {
	t.Helper()
	var out []mountInfo
	for id, m := range mountTable(t) {
		if _, ok := before[id]; !ok {
			out = append(out, m)
		}
	}
	return out
}

// assertNoNewMounts fails if anything was mounted since before.
func assertNoNewMounts(t *testing.T, before map[int]mountInfo) {
	t.Helper()
	if got := newMounts(t, before); len(got) > 0 {
		t.Errorf("mounted %v, want nothing mounted", got)
	}
}

// assertMountsBeneath fails if a mount appeared outside dir since before.
func assertMountsBeneath(t *testing.T, before map[int]mountInfo, dir string) {
	t.Helper()
	for _, m := range newMounts(t, before) {
		if !strings.HasPrefix(m.point, dir+"/") {
			t.Errorf("mount on %s is outside %s", m.point, dir)
		}
	}
}

// isMountOf reports whether target is a mount root whose inode is src's.
func isMountOf(t *testing.T, target, src string) bool {
	t.Helper()
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, target, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, &stx); err != nil {
		return false
	}
	var st unix.Stat_t
	if err := unix.Lstat(src, &st); err != nil {
		return false
	}
	return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0 &&
		unix.Mkdev(stx.Dev_major, stx.Dev_minor) == st.Dev && stx.Ino == st.Ino
}

// testLogger sends the package's log lines to the test log.
func testLogger(t *testing.T) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(testWriter{t})
	l.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	return l
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// defaults is the built-in layout from docs/DESIGN.md.
func defaults() []Entry {
	return []Entry{
		{Path: "/etc/nixos", How: Bind, Kind: Directory, Mode: 0o755},
		{Path: "/etc/ssh", How: Symlink, Kind: Directory, Mode: 0o755},
		{Path: "/var/log", How: Bind, Kind: Directory, Mode: 0o755},
		{Path: "/var/lib", How: Bind, Kind: Directory, Mode: 0o755},
		{Path: "/etc/machine-id", How: Symlink, Kind: File, Mode: 0o444},
	}
}

func bindDir(p string) Entry  { return Entry{Path: p, How: Bind, Kind: Directory, Mode: 0o755} }
func bindFile(p string) Entry { return Entry{Path: p, How: Bind, Kind: File, Mode: 0o644} }
func linkDir(p string) Entry  { return Entry{Path: p, How: Symlink, Kind: Directory, Mode: 0o755} }
func linkFile(p string) Entry { return Entry{Path: p, How: Symlink, Kind: File, Mode: 0o644} }

// mustSucceed fails the test for every outcome with an error.
func mustSucceed(t *testing.T, res Result) {
	t.Helper()
	for _, o := range res.Outcomes {
		if o.Err != nil {
			t.Errorf("%s: unexpected error: %v", o.Entry.Path, o.Err)
		}
	}
}

// mustRefuse checks the single outcome is a refusal whose text has want.
func mustRefuse(t *testing.T, res Result, want string) {
	t.Helper()
	if len(res.Outcomes) != 1 {
		t.Fatalf("got %d outcomes, want 1", len(res.Outcomes))
	}
	o := res.Outcomes[0]
	if !errors.Is(o.Err, ErrRefused) {
		t.Fatalf("%s: got action %q, error %v; want a refusal containing %q", o.Entry.Path, o.Action, o.Err, want)
	}
	if !strings.Contains(o.Err.Error(), want) {
		t.Errorf("refusal %q does not contain %q", o.Err, want)
	}
	if o.Action != ActionRefused || res.Failed() != 1 {
		t.Errorf("action %q, Failed() %d; want %q, 1", o.Action, res.Failed(), ActionRefused)
	}
}
