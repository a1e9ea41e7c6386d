package restore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// What a restore brings back is the kept file itself: content, owner,
// group, mode (set-id bits too), times, xattrs and ACLs.
func TestCopyKeepsOwnerModeTimesAndXattrs(t *testing.T) {
	mtime := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	tests := []struct {
		name  string
		mode  os.FileMode
		uid   int
		gid   int
		xattr map[string][]byte
	}{
		{"a user's private file", 0o600, 1000, 100, nil},
		{"a setgid program", 0o2755 | os.ModeSetgid, 0, 50, nil},
		{"a file with a user xattr", 0o644, 1001, 1001, map[string][]byte{"user.origin": []byte("kept")}},
		{"a file with an ACL", 0o640, 0, 0, map[string][]byte{"system.posix_acl_access": acl(1000)}},
		{"a file with a trusted xattr", 0o644, 0, 0, map[string][]byte{"trusted.note": []byte("x")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTrees(t)
			p := tr.write(tr.kept, "home/a/f", "content "+tc.name, 0o644)
			must(t, os.Lchown(p, tc.uid, tc.gid))
			must(t, os.Chmod(p, tc.mode))
			for k, v := range tc.xattr {
				must(t, unix.Lsetxattr(p, k, v, 0))
			}
			must(t, os.Chtimes(p, mtime.Add(time.Hour), mtime))
			want := lstat(t, p) // before reading it moves the access time
			items, err := tr.copy("home/a/f", false)
			must(t, err)
			q := filepath.Join(tr.to, "home/a/f")
			got := lstat(t, q)
			if got.Uid != want.Uid || got.Gid != want.Gid || got.Mode != want.Mode {
				t.Errorf("got %d:%d %o, want %d:%d %o", got.Uid, got.Gid, got.Mode, want.Uid, want.Gid, want.Mode)
			}
			if got.Mtim != want.Mtim || got.Atim != want.Atim {
				t.Errorf("times %v %v, want %v %v", got.Mtim, got.Atim, want.Mtim, want.Atim)
			}
			if read(t, q) != read(t, p) {
				t.Errorf("content differs")
			}
			for k, v := range tc.xattr {
				buf := make([]byte, 256)
				n, err := unix.Lgetxattr(q, k, buf)
				if err != nil || !bytes.Equal(buf[:n], v) {
					t.Errorf("xattr %s = %q (%v), want %q", k, buf[:max(n, 0)], err, v)
				}
			}
			if last := items[len(items)-1]; last.Path != "/home/a/f" || last.Action != "restored" {
				t.Errorf("last item %+v, want /home/a/f restored", last)
			}
		})
	}
}

// Files that share an inode in the kept root share one in the copy, and a
// file full of holes stays sparse.
func TestCopyKeepsHardLinksAndHoles(t *testing.T) {
	tr := newTrees(t)
	a := tr.write(tr.kept, "d/a", "shared", 0o644)
	must(t, os.Link(a, filepath.Join(tr.kept, "d/b")))
	sparse := filepath.Join(tr.kept, "d/sparse")
	f, err := os.Create(sparse)
	must(t, err)
	_, err = f.WriteAt([]byte("end"), 64<<20)
	must(t, err)
	must(t, f.Close())
	items, err := tr.copy("d", false)
	must(t, err)
	ca, cb := lstat(t, filepath.Join(tr.to, "d/a")), lstat(t, filepath.Join(tr.to, "d/b"))
	if ca.Ino != cb.Ino || ca.Nlink != 2 {
		t.Errorf("d/a and d/b are inodes %d and %d (links %d), want one inode with 2 links", ca.Ino, cb.Ino, ca.Nlink)
	}
	cs := lstat(t, filepath.Join(tr.to, "d/sparse"))
	if cs.Size != 64<<20+3 || cs.Blocks*512 > 1<<20 {
		t.Errorf("the sparse copy has size %d and %d bytes allocated, want %d and little", cs.Size, cs.Blocks*512, 64<<20+3)
	}
	if !hasItem(items, "/d/b", "hard link") || items[len(items)-2].LinkTo != "/d/a" {
		t.Errorf("items %+v do not say /d/b is a hard link to /d/a", items)
	}
}

// A symlink is copied as a symlink with its own target text, wherever it
// points; a symlink on the way to what is asked is never followed.
func TestCopyNeverFollowsASymlink(t *testing.T) {
	tests := []struct {
		name, setup, rel string
		wantErr          string // "" when the copy must succeed
	}{
		{"a link to /etc/shadow is a link", "etc/shadow-link", "etc/shadow-link", ""},
		{"a link in a directory is a link", "d/link", "d", ""},
		{"a link on the way is refused", "via", "via/shadow", "symlink"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTrees(t)
			must(t, os.MkdirAll(filepath.Join(tr.kept, filepath.Dir(tc.setup)), 0o755))
			target := "/etc/shadow"
			if tc.setup == "via" {
				target = "/etc"
			}
			must(t, os.Symlink(target, filepath.Join(tr.kept, tc.setup)))
			_, err := tr.copy(tc.rel, false)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one about a %s", err, tc.wantErr)
				}
				if _, err := os.Lstat(filepath.Join(tr.to, "via")); !os.IsNotExist(err) {
					t.Errorf("something was written: %v", err)
				}
				return
			}
			must(t, err)
			got, err := os.Readlink(filepath.Join(tr.to, tc.setup))
			if err != nil || got != target {
				t.Errorf("copy is %q (%v), want a symlink to %s", got, err, target)
			}
		})
	}
}

// An existing file is replaced only with Force, and the refusal names it
// and changes nothing; a directory and a file never replace each other.
func TestCopyRefusesToOverwriteWithoutForce(t *testing.T) {
	tests := []struct {
		name     string
		existing func(tr *trees)
		force    bool
		want     string // in the error; "" when the copy must succeed
		content  string // of /d/f afterwards
	}{
		{"an existing file without force", func(tr *trees) { tr.write(tr.to, "d/f", "new", 0o644) }, false, "/d/f already exist", "new"},
		{"an existing file with force", func(tr *trees) { tr.write(tr.to, "d/f", "new", 0o644) }, true, "", "old"},
		{"an existing symlink with force", func(tr *trees) {
			must(t, os.MkdirAll(filepath.Join(tr.to, "d"), 0o755))
			must(t, os.Symlink("/etc/passwd", filepath.Join(tr.to, "d/f")))
		}, true, "", "old"},
		{"a directory in its place, even with force", func(tr *trees) {
			must(t, os.MkdirAll(filepath.Join(tr.to, "d/f"), 0o755))
		}, true, "move it away", ""},
		{"a symlink on the way in the target", func(tr *trees) {
			must(t, os.Symlink("/etc", filepath.Join(tr.to, "d")))
		}, true, "symlink", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTrees(t)
			tr.write(tr.kept, "d/f", "old", 0o644)
			tr.write(tr.kept, "d/g", "other", 0o644)
			tc.existing(tr)
			_, err := tr.copy("d", tc.force)
			if tc.want != "" {
				var c *Conflict
				if !errors.As(err, &c) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was restored") {
					t.Fatalf("err = %v, want a conflict saying %q", err, tc.want)
				}
				if _, err := os.Lstat(filepath.Join(tr.to, "d/g")); !os.IsNotExist(err) {
					t.Errorf("the refused restore still wrote d/g (%v)", err)
				}
			} else {
				must(t, err)
			}
			if tc.content != "" && read(t, filepath.Join(tr.to, "d/f")) != tc.content {
				t.Errorf("d/f holds %q, want %q", read(t, filepath.Join(tr.to, "d/f")), tc.content)
			}
		})
	}
}

// Missing parents are made as they are in the kept root; an existing one
// that someone else could rename is refused.
func TestCopyMakesParentsAsKeptAndRefusesUntrustedOnes(t *testing.T) {
	tests := []struct {
		name    string
		target  func(tr *trees)
		wantErr string
	}{
		{"missing parents", func(tr *trees) {}, ""},
		{"a parent writable by others", func(tr *trees) {
			must(t, os.MkdirAll(filepath.Join(tr.to, "home"), 0o777))
			must(t, os.Chmod(filepath.Join(tr.to, "home"), 0o777))
		}, "writable by others"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTrees(t)
			p := tr.write(tr.kept, "home/alice/notes", "n", 0o600)
			must(t, os.Chown(filepath.Dir(p), 1000, 100))
			must(t, os.Chmod(filepath.Dir(p), 0o700))
			tc.target(tr)
			_, err := tr.copy("home/alice/notes", false)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			must(t, err)
			st := lstat(t, filepath.Join(tr.to, "home/alice"))
			if st.Uid != 1000 || st.Gid != 100 || st.Mode&0o7777 != 0o700 {
				t.Errorf("home/alice made %d:%d %o, want 1000:100 700 as kept", st.Uid, st.Gid, st.Mode&0o7777)
			}
		})
	}
}

// A FIFO or a device is reported and skipped, never opened.
func TestCopySkipsFIFOsAndDevices(t *testing.T) {
	tr := newTrees(t)
	must(t, os.MkdirAll(filepath.Join(tr.kept, "d"), 0o755))
	must(t, unix.Mkfifo(filepath.Join(tr.kept, "d/fifo"), 0o644))
	must(t, unix.Mknod(filepath.Join(tr.kept, "d/zero"), unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5))))
	items, err := tr.copy("d", false)
	must(t, err)
	for _, n := range []string{"/d/fifo", "/d/zero"} {
		if !hasItem(items, n, "skipped") {
			t.Errorf("items %+v do not say %s was skipped", items, n)
		}
		if _, err := os.Lstat(filepath.Join(tr.to, n)); !os.IsNotExist(err) {
			t.Errorf("%s was created (%v)", n, err)
		}
	}
}

// A path that is not in the kept root, or not clean, is an error naming it.
func TestCopyRefusesBadOrMissingPaths(t *testing.T) {
	tests := []struct{ rel, want string }{
		{"nothing/here", "is missing"},
		{"../etc", "not a clean relative path"},
		{"/etc", "not a clean relative path"},
		{"", "not a clean relative path"},
	}
	for _, tc := range tests {
		t.Run(tc.rel, func(t *testing.T) {
			tr := newTrees(t)
			_, err := tr.copy(tc.rel, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func hasItem(items []Item, p, action string) bool {
	for _, it := range items {
		if it.Path == p && strings.HasPrefix(it.Action, action) {
			return true
		}
	}
	return false
}

// Compare finds every kind of difference between a tree and its copy, and
// none between a tree and a faithful copy.
func TestCompareFindsEachDifference(t *testing.T) {
	tests := []struct {
		name   string
		change func(copy string)
		want   string // "" for no difference
	}{
		{"a faithful copy", func(string) {}, ""},
		{"other content of the same size", func(c string) { must(t, os.WriteFile(filepath.Join(c, "f"), []byte("XYZ"), 0o640)) }, "other content"},
		{"another size", func(c string) { must(t, os.WriteFile(filepath.Join(c, "f"), []byte("abcd"), 0o640)) }, "3 bytes, the copy 4"},
		{"another mode", func(c string) { must(t, os.Chmod(filepath.Join(c, "f"), 0o600)) }, "mode 0640, the copy 0600"},
		{"another owner", func(c string) { must(t, os.Lchown(filepath.Join(c, "f"), 5, 5)) }, "owner 0:0, the copy 5:5"},
		{"a missing name", func(c string) { must(t, os.Remove(filepath.Join(c, "l"))) }, "/l: missing from the copy"},
		{"an extra name", func(c string) { must(t, os.WriteFile(filepath.Join(c, "x"), nil, 0o644)) }, "/x: only in the copy"},
		{"another link target", func(c string) {
			must(t, os.Remove(filepath.Join(c, "l")))
			must(t, os.Symlink("/elsewhere", filepath.Join(c, "l")))
		}, "a symlink to /etc/shadow, the copy to /elsewhere"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTrees(t)
			tr.write(tr.kept, "d/f", "abc", 0o640)
			must(t, os.Symlink("/etc/shadow", filepath.Join(tr.kept, "d/l")))
			_, err := tr.copy("d", false)
			must(t, err)
			tc.change(filepath.Join(tr.to, "d"))
			a, _, err := Open(tr.from, "d")
			must(t, err)
			defer a.Close()
			b, _, err := Open(tr.dst, "d")
			must(t, err)
			defer b.Close()
			diffs, err := Compare(a, b)
			must(t, err)
			got := strings.Join(diffs, "; ")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("differences %q, want %q", got, tc.want)
			}
		})
	}
}
