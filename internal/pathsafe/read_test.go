package pathsafe

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// withDeadline fails the test if f blocks (a FIFO opened for reading waits
// for a writer for ever).
func withDeadline(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("blocked for 5 seconds")
	}
}

func TestReadBeneathReadsOnlySmallRegularFilesBeneathTheDirectory(t *testing.T) {
	const limit = 16
	tests := []struct {
		name  string
		setup func(d *dir)
		want  string // "" when the read must succeed
	}{
		{"a small regular file", func(d *dir) { d.write("m/f", 10, 0o644) }, ""},
		{"exactly the limit", func(d *dir) { d.write("m/f", limit, 0o644) }, ""},
		{"one byte over the limit", func(d *dir) { d.write("m/f", limit+1, 0o644) }, "more than the 16 read at most"},
		{"a FIFO", func(d *dir) { d.fifo("m/f") }, "is a FIFO, not a regular file"},
		{"a device", func(d *dir) { d.device("m/f") }, "is a character device, not a regular file"},
		{"a symlink to /dev/zero", func(d *dir) { d.symlink("m/f", "/dev/zero") }, "is a symlink, not a regular file"},
		{"a symlink to a file outside", func(d *dir) { d.write("out", 1, 0o644); d.symlink("m/f", d.at("out")) }, "is a symlink, not a regular file"},
		{"a directory on the way is a symlink", func(d *dir) { d.write("x/f", 1, 0o644); d.symlink("m", "x") }, "m is a symlink"},
		{"a directory", func(d *dir) { d.mkdir("m/f", 0o755) }, "is a directory, not a regular file"},
		{"a file a user owns", func(d *dir) { d.write("m/f", 1, 0o644); d.chown("m/f", 1000, 1000) }, "owned by uid 1000"},
		{"a file its group can write", func(d *dir) { d.write("m/f", 1, 0o664) }, "writable by group"},
		{"a directory on the way others can write", func(d *dir) { d.write("m/f", 1, 0o644); d.mkdir("m", 0o777) }, "writable by others"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			tc.setup(d)
			var data []byte
			var err error
			withDeadline(t, func() { data, err = ReadBeneath(d.h, "m/f", Root, limit) })
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want == "" && len(data) > limit:
				t.Errorf("read %d bytes", len(data))
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// The system's own files may be reached through symlinks (NixOS links /etc
// into the store), but only a small regular file is read.
func TestReadSystemFileFollowsLinksButReadsOnlySmallRegularFiles(t *testing.T) {
	const limit = 16
	tests := []struct {
		name  string
		setup func(d *dir)
		want  string
	}{
		{"a regular file", func(d *dir) { d.write("f", 3, 0o644) }, ""},
		{"a symlink to a regular file", func(d *dir) { d.write("store/f", 3, 0o644); d.symlink("f", "store/f") }, ""},
		{"a FIFO", func(d *dir) { d.fifo("f") }, "is a FIFO"},
		{"a symlink to /dev/zero", func(d *dir) { d.symlink("f", "/dev/zero") }, "is a character device"},
		{"too large", func(d *dir) { d.write("f", limit+1, 0o644) }, "more than the 16 read at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			tc.setup(d)
			var err error
			withDeadline(t, func() { _, err = ReadSystemFile(d.at("f"), limit) })
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if strings.Contains(tc.want, "read at most") && !errors.Is(err, ErrTooLarge) {
				t.Errorf("%v is not ErrTooLarge", err)
			}
		})
	}
}
