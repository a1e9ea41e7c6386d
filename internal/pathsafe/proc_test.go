package pathsafe

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestWithinTellsWhetherADescriptorIsReallyBeneathARoot(t *testing.T) {
	d := newDir(t)
	d.mkdir("root/in", 0o755)
	d.mkdir("out", 0o755)
	root, err := Walk(d.h, "root", Root, nil)
	must(t, err)
	defer root.Close()
	real, err := RealPath(root)
	must(t, err)
	tests := []struct {
		name, rel string
		inside    bool
	}{{"the root itself", "root", true}, {"beneath it", "root/in", true}, {"beside it", "out", false}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Walk(d.h, tc.rel, Root, nil)
			must(t, err)
			defer h.Close()
			if err := Within(h, real, root.Path); (err == nil) != tc.inside {
				t.Errorf("Within = %v, want inside %v", err, tc.inside)
			}
		})
	}
}

// Reopen opens only what cannot block or act: directories and regular files.
func TestReopenOpensOnlyDirectoriesAndRegularFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(d *dir)
		want  string
	}{
		{"a directory", func(d *dir) { d.mkdir("x", 0o755) }, ""},
		{"a regular file", func(d *dir) { d.write("x", 1, 0o644) }, ""},
		{"a FIFO", func(d *dir) { d.fifo("x") }, "is a FIFO; it was not opened"},
		{"a device", func(d *dir) { d.device("x") }, "is a character device; it was not opened"},
		{"a symlink", func(d *dir) { d.symlink("x", "/") }, "is a symlink; it was not opened"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			tc.setup(d)
			h, err := Lookup(d.h, "x")
			must(t, err)
			defer h.Close()
			var fd int
			withDeadline(t, func() { fd, err = Reopen(h, unix.O_RDONLY) })
			if err == nil {
				unix.Close(fd)
			}
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// A file system mounted over /proc could answer /proc/self/fd/N with
// anything: nothing is resolved through /proc unless it is procfs. (The
// proof is remembered for the process, so the test starts a new one.)
func TestNothingIsResolvedThroughAProcThatIsNotProcfs(t *testing.T) {
	procChecked.Store(false)
	d := newDir(t)
	d.write("f", 1, 0o644)
	h, err := Lookup(d.h, "f")
	must(t, err)
	defer h.Close()
	must(t, unix.Mount("tmpfs", "/proc", "tmpfs", 0, ""))
	_, perr := RealPath(h)
	_, rerr := Reopen(h, unix.O_RDONLY)
	must(t, unix.Unmount("/proc", unix.MNT_DETACH))
	for what, err := range map[string]error{"RealPath": perr, "Reopen": rerr} {
		if err == nil || !strings.Contains(err.Error(), "/proc is not procfs") {
			t.Errorf("%s: %v, want a refusal naming /proc", what, err)
		}
	}
}
