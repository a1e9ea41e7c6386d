package audit

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("Save requires the directories to be root's: runs only as root")
	}
}

func TestSaveWritesIntoVarLogAndKeepsTheLastN(t *testing.T) {
	needRoot(t)
	pr := t.TempDir()
	os.Chmod(pr, 0o755)
	base := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	var paths []string
	for i := 0; i < 4; i++ {
		r := New("rpool/nixos/empty", "start", uint64(i), base.Add(time.Duration(i)*time.Hour))
		p, removed, err := Save(pr, r, 3)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		if i == 3 && !reflect.DeepEqual(removed, []string{"20261126T010000Z.json"}) {
			t.Errorf("removed %v, want the oldest", removed)
		}
	}
	if paths[0] != pr+"/var/log/blankslate/20261126T010000Z.json" {
		t.Errorf("path %s", paths[0])
	}
	names := listNames(t, filepath.Join(pr, LogDir))
	if want := []string{"20261126T020000Z.json", "20261126T030000Z.json", "20261126T040000Z.json"}; !reflect.DeepEqual(names, want) {
		t.Errorf("kept %v, want %v", names, want)
	}
	st, _ := os.Stat(filepath.Join(pr, LogDir))
	if st.Mode().Perm() != 0o750 {
		t.Errorf("log directory mode %v", st.Mode())
	}
	if r, err := Read(filepath.Join(pr, LogDir, names[2])); err != nil || r.Bytes != 3 {
		t.Errorf("read back %+v %v", r, err)
	}
}

func TestSaveNeverReplacesARecordOfTheSameSecond(t *testing.T) {
	needRoot(t)
	pr := t.TempDir()
	os.Chmod(pr, 0o755)
	now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		if _, _, err := Save(pr, New("d", "s", uint64(i), now), 10); err != nil {
			t.Fatal(err)
		}
	}
	if got := listNames(t, filepath.Join(pr, LogDir)); !reflect.DeepEqual(got, []string{"20261126T010000Z-2.json", "20261126T010000Z.json"}) {
		t.Errorf("got %v", got)
	}
}

func TestSaveRefusesSymlinksAndDirectoriesOthersCanWrite(t *testing.T) {
	needRoot(t)
	tests := []struct {
		name  string
		setup func(pr, outside string)
		want  string
	}{
		{"var/log is a symlink", func(pr, outside string) {
			os.MkdirAll(pr+"/var", 0o755)
			os.Symlink(outside, pr+"/var/log")
		}, "var/log is a symlink"},
		{"blankslate is a symlink", func(pr, outside string) {
			os.MkdirAll(pr+"/var/log", 0o755)
			os.Symlink(outside, pr+"/var/log/blankslate")
		}, "var/log/blankslate is a symlink"},
		{"var/log is writable by anybody", func(pr, outside string) {
			os.MkdirAll(pr+"/var/log", 0o755)
			os.Chmod(pr+"/var/log", 0o777)
		}, "var/log is writable by others (mode 0777)"},
		{"blankslate belongs to a user", func(pr, outside string) {
			os.MkdirAll(pr+"/var/log/blankslate", 0o755)
			os.Chown(pr+"/var/log/blankslate", 1000, 1000)
		}, "var/log/blankslate is owned by uid 1000, not root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pr, outside := t.TempDir(), t.TempDir()
			os.Chmod(pr, 0o755)
			tc.setup(pr, outside)
			_, _, err := Save(pr, New("d", "s", 1, time.Now()), 10)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if names := listNames(t, outside); len(names) != 0 {
				t.Errorf("wrote through the symlink: %v", names)
			}
		})
	}
}

func listNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range des {
		out = append(out, d.Name())
	}
	return out
}
