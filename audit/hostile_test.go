package audit

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// A persistent root that is not safe to write into (a symlink to another
// place, a directory anybody or a user can change) is refused as a whole:
// nothing is written or removed there, nor where a symlink leads.
func TestSaveRefusesAnUnsafePersistentRootAndTouchesNothing(t *testing.T) {
	needRoot(t)
	tests := []struct {
		name  string
		setup func(t *testing.T, pr, outside string)
		want  string
	}{
		{"the root is a symlink to another directory", func(t *testing.T, pr, outside string) {
			must(t, os.Remove(pr))
			must(t, os.Symlink(outside, pr))
		}, "is a symlink"},
		{"the root is writable by anybody", func(t *testing.T, pr, outside string) {
			must(t, os.Chmod(pr, 0o777))
		}, "writable by others"},
		{"the root is writable by its group", func(t *testing.T, pr, outside string) {
			must(t, os.Chmod(pr, 0o775))
		}, "writable by group"},
		{"the root belongs to a user", func(t *testing.T, pr, outside string) {
			must(t, os.Chown(pr, 1000, 1000))
		}, "owned by uid 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pr, outside := filepath.Join(dir, "persist"), filepath.Join(dir, "outside")
			for _, d := range []string{pr, outside + "/" + LogDir} {
				must(t, os.MkdirAll(d, 0o755))
			}
			// Old records and a stale temporary file where a symlink leads:
			// a Save that followed it would add one and prune these.
			for _, n := range []string{"20200101T000000Z.json", "20200102T000000Z.json", ".20200103T000000Z.42.tmp"} {
				must(t, os.WriteFile(filepath.Join(outside, LogDir, n), []byte("{}\n"), 0o640))
			}
			must(t, os.Chmod(pr, 0o755))
			tc.setup(t, pr, outside)
			before := listNames(t, filepath.Join(outside, LogDir))

			_, _, err := Save(pr, New("d", "s", 1, time.Now()), 1)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if got := listNames(t, filepath.Join(outside, LogDir)); !reflect.DeepEqual(got, before) {
				t.Errorf("the records where the symlink leads changed from %v to %v", before, got)
			}
			if fi, err := os.Lstat(pr); err == nil && fi.IsDir() {
				if names := listNames(t, pr); len(names) != 0 {
					t.Errorf("wrote into the unsafe root: %v", names)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
