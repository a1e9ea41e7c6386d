package adopted

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

func TestMain(m *testing.M) { testns.Main(m) }

func persistRoot(t *testing.T) (string, pathsafe.Handle) {
	t.Helper()
	if !testns.Active() {
		t.Skip("writes root-owned notes: runs only as root")
	}
	p := t.TempDir()
	if err := os.Chmod(p, 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := pathsafe.OpenRoot(p, pathsafe.Root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return p, h
}

// A note written is read back; writing one for the same path again
// replaces it; only the paths no entry declares are undeclared.
func TestNotesRoundTripAndTellUndeclaredPaths(t *testing.T) {
	_, h := persistRoot(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []string{"/srv/a", "/srv/b", "/srv/a"} {
		if err := Write(h, Note{Entry: config.Entry{Path: p, How: "bind", Type: "directory"}, Adopted: at}); err != nil {
			t.Fatal(err)
		}
	}
	notes, err := Read(h)
	if err != nil || len(notes) != 2 || notes[0].Entry.Path != "/srv/a" || !notes[1].Adopted.Equal(at) {
		t.Fatalf("read %+v, %v; want /srv/a and /srv/b", notes, err)
	}
	cfg := &config.Config{Entries: []config.Entry{{Path: "/srv/a"}}}
	if u := Undeclared(notes, cfg); len(u) != 1 || u[0].Entry.Path != "/srv/b" {
		t.Errorf("undeclared %+v, want /srv/b alone", u)
	}
}

// What someone else planted among the notes is refused, never followed
// or read past its bound.
func TestReadRefusesWhatIsNotANote(t *testing.T) {
	tests := []struct {
		name  string
		plant func(dir string)
		want  string
	}{
		{"no notes at all", func(string) {}, ""},
		{"a symlink", func(d string) { os.Symlink("/etc/shadow", filepath.Join(d, "x.json")) }, "symlink"},
		{"a FIFO", func(d string) { mkfifo(d) }, "FIFO"},
		{"a huge file", func(d string) { os.WriteFile(filepath.Join(d, "x.json"), make([]byte, maxNoteSize+1), 0o644) }, "too large"},
		{"not JSON", func(d string) { os.WriteFile(filepath.Join(d, "x.json"), []byte("{"), 0o644) }, "not a note"},
		{"a user's file", func(d string) {
			os.WriteFile(filepath.Join(d, "x.json"), []byte(`{"entry":{"path":"/x"}}`), 0o644)
			os.Chown(filepath.Join(d, "x.json"), 1000, 1000)
		}, "owned by uid 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, h := persistRoot(t)
			d := filepath.Join(p, Dir)
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			tc.plant(d)
			_, err := Read(h)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func mkfifo(dir string) { unix.Mkfifo(filepath.Join(dir, "x.json"), 0o644) }

func TestDeclarationsAreWhatTheModuleAndTheFileTake(t *testing.T) {
	tests := []struct {
		e              config.Entry
		wantNix, wantJ string
	}{
		{config.Entry{Path: "/srv/git", How: "bind", Type: "directory", User: "git", Group: "git", Mode: "0750"},
			`blankslate.directories = [ { directory = "/srv/git"; how = "bind"; user = "git"; group = "git"; mode = "0750"; } ];`,
			`{"path":"/srv/git","how":"bind","type":"directory","user":"git","group":"git","mode":"0750"}`},
		{config.Entry{Path: "/etc/foo.conf", How: "symlink", Type: "file", User: "root", Group: "root", Mode: "0644"},
			`blankslate.files = [ { file = "/etc/foo.conf"; how = "symlink"; user = "root"; group = "root"; mode = "0644"; } ];`,
			`{"path":"/etc/foo.conf","how":"symlink","type":"file","user":"root","group":"root","mode":"0644"}`},
	}
	for _, tc := range tests {
		if got := NixLine(tc.e); got != tc.wantNix {
			t.Errorf("NixLine = %s\nwant       %s", got, tc.wantNix)
		}
		if got := JSONEntry(tc.e); got != tc.wantJ {
			t.Errorf("JSONEntry = %s\nwant        %s", got, tc.wantJ)
		}
	}
}

// The Nix line, evaluated by Nix itself, names exactly the path adopted:
// nothing in it is interpolated or unescaped into another name.
func TestNixLineEvaluatesToThePath(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("needs nix-instantiate to evaluate the line")
	}
	for _, p := range []string{"/srv/a${toString 1}", `/srv/back\slash`, `/srv/quo"te`, "/srv/$${x}", "/srv/a$", "/srv/café", "/srv/tab\there"} {
		t.Run(p, func(t *testing.T) {
			e := config.Entry{Path: p, How: "bind", Type: "directory", User: "a${b}", Group: "g", Mode: "0750"}
			out, err := exec.Command(nix, "--eval", "--strict", "--json", "-E", "{ "+NixLine(e)+" }.blankslate.directories").Output()
			if err != nil {
				t.Fatalf("nix-instantiate on %s: %v", NixLine(e), err)
			}
			var got []struct{ Directory, User string }
			if err := json.Unmarshal(out, &got); err != nil || len(got) != 1 || got[0].Directory != p || got[0].User != e.User {
				t.Errorf("%s evaluates to %s (%v), want %q", NixLine(e), out, err, p)
			}
		})
	}
}

// A path that is not UTF-8, or holds a control character, is refused:
// neither declaration could state it, nor a terminal show it on one line.
func TestStateableRefusesWhatCannotBeDeclaredExactly(t *testing.T) {
	for _, tc := range []struct{ p, want string }{
		{"/srv/data", ""}, {"/srv/café", ""}, {"/srv/a${x}", ""},
		{"/srv/caf\xe9", "not UTF-8"}, {"/srv/a\x1b[31m", "control character"}, {"/srv/a\nb", "control character"},
	} {
		err := Stateable(tc.p)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("Stateable(%q) = %v, want %q", tc.p, err, tc.want)
		}
	}
}
