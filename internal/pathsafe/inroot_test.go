package pathsafe

import (
	"os"
	"strings"
	"testing"
)

// A rescued system's NixOS profile is a chain of absolute symlinks into its
// own /nix/store: they resolve beneath the root given, never on the host,
// and nothing leads out of it.
func TestReadInRootFollowsLinksAsTheRescuedSystemWould(t *testing.T) {
	const limit = 64
	const rel = "nix/var/nix/profiles/system/etc/blankslate/config.json"
	profile := func(d *dir) {
		d.write("nix/store/e-etc/etc/blankslate/config.json", 3, 0o644)
		d.symlink("nix/store/s-system/etc", "/nix/store/e-etc/etc")
		d.symlink("nix/var/nix/profiles/system-2-link", "/nix/store/s-system")
		d.symlink("nix/var/nix/profiles/system", "system-2-link")
	}
	tests := []struct {
		name     string
		setup    func(d *dir)
		wantReal string // beneath the root; "" when refused
		wantErr  string
	}{
		{"the profile's absolute links land in the root's own store", profile, "/nix/store/e-etc/etc/blankslate/config.json", ""},
		{"a link climbing with .. stays in the root", func(d *dir) {
			d.write("nix/store/e-etc/etc/blankslate/config.json", 3, 0o644)
			d.symlink("nix/store/s-system/etc", "../../../../../../../../nix/store/e-etc/etc")
			d.symlink("nix/var/nix/profiles/system", "/nix/store/s-system")
		}, "/nix/store/e-etc/etc/blankslate/config.json", ""},
		{"a link to a host path is not followed out", func(d *dir) {
			d.symlink("nix/var/nix/profiles/system", "/proc/self/root/etc")
		}, "", "no such file"},
		{"a FIFO at the end is not opened", func(d *dir) {
			profile(d)
			must(t, os.Remove(d.at("nix/store/e-etc/etc/blankslate/config.json")))
			d.fifo("nix/store/e-etc/etc/blankslate/config.json")
		}, "", "is a FIFO, not a regular file"},
		{"a file over the limit is not read", func(d *dir) {
			profile(d)
			d.write("nix/store/e-etc/etc/blankslate/config.json", limit+1, 0o644)
		}, "", "more than the 64 read at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			tc.setup(d)
			var real string
			var err error
			withDeadline(t, func() { _, real, err = ReadInRoot(d.path, rel, limit) })
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.wantErr == "" && real != d.path+tc.wantReal:
				t.Errorf("read %s, want %s", real, d.path+tc.wantReal)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v (read %s), want one containing %q", err, real, tc.wantErr)
			}
		})
	}
}
