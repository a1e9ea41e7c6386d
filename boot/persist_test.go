package boot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/testns"
	"github.com/blankslate/blankslate/mounts"
)

func TestMain(m *testing.M) { testns.Main(m) }

// system is a new root with a persistent root beneath it, on tmpfs, in the
// tests' private mount namespace, and a /run for the audit record.
type system struct {
	root, persist, run string
}

func newSystem(t *testing.T, mountPersist bool) system {
	t.Helper()
	if !testns.Active() {
		t.Fatal("these tests mount file systems: run them as root (they re-exec themselves in a private mount namespace)")
	}
	base := t.TempDir()
	testns.MountTmpfs(t, base)
	s := system{root: filepath.Join(base, "sysroot"), persist: filepath.Join(base, "sysroot/persist"), run: filepath.Join(base, "run")}
	for _, d := range []string{s.root, s.persist, s.run} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if mountPersist {
		testns.MountTmpfs(t, s.persist)
	}
	return s
}

func (s system) persistOnce(t *testing.T, cfg *config.Config) PersistReport {
	t.Helper()
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	cfg.PersistRoot = "/persist"
	return Persist(PersistRequest{Config: cfg, Root: s.root, Log: log,
		RecordPath: filepath.Join(s.run, "audit.json"), SavedPath: filepath.Join(s.run, "audit.saved.json")})
}

func (s system) writeRecord(t *testing.T) {
	t.Helper()
	r := audit.New("rpool/nixos/empty", "start", 4096, time.Now())
	r.Outcome = audit.OutcomeErased
	if err := r.Write(filepath.Join(s.run, "audit.json")); err != nil {
		t.Fatal(err)
	}
}

func TestPersistAttachesSavesAndReports(t *testing.T) {
	tests := []struct {
		name         string
		mountPersist bool
		cfg          func() *config.Config
		wantOutcome  event.Outcome
		wantAttached int
		wantRefused  int
		wantSaved    bool
	}{
		{"the seed entries are attached and the record saved", true, config.Default, event.PersistDone, 5, 0, true},
		{"an unmounted persistent root is refused: nothing attached, nothing saved", false, config.Default, event.PersistFailed, 0, 0, false},
		{"an owner nobody knows fails that entry alone", true, func() *config.Config {
			c := config.Default()
			c.Entries = append(c.Entries, config.Entry{Path: "/srv", How: "bind", Type: "directory", User: "nobody-such", Group: "root", Mode: "0755"})
			return c
		}, event.PersistFailed, 5, 1, true},
		{"with the audit trail off no record is saved", true, withoutAudit, event.PersistDone, 5, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSystem(t, tc.mountPersist)
			s.writeRecord(t)
			rep := s.persistOnce(t, tc.cfg())
			if rep.Outcome != tc.wantOutcome || (rep.Err == nil) != (tc.wantOutcome == event.PersistDone) {
				t.Errorf("outcome %s, err %v; want %s", rep.Outcome, rep.Err, tc.wantOutcome)
			}
			if n := len(rep.Attached.Outcomes) - rep.Attached.Failed(); n != tc.wantAttached || len(rep.Refused) != tc.wantRefused {
				t.Errorf("attached %d, refused %d; want %d, %d", n, len(rep.Refused), tc.wantAttached, tc.wantRefused)
			}
			if (rep.Saved != "") != tc.wantSaved || rep.SaveErr != nil {
				t.Errorf("saved %q (%v), want saved %v", rep.Saved, rep.SaveErr, tc.wantSaved)
			}
			if _, err := os.Stat(filepath.Join(s.run, "audit.saved.json")); (err == nil) != tc.wantSaved {
				t.Errorf("the record was moved aside: %v, want %v", err == nil, tc.wantSaved)
			}
			logs, _ := os.ReadDir(filepath.Join(s.persist, audit.LogDir))
			if !tc.mountPersist && len(logs) > 0 {
				t.Errorf("a record was written beneath an unmounted persistent root: %v", logs)
			}
		})
	}
}

// A second persist (a restarted unit) attaches nothing twice and saves no
// second record.
func TestPersistTwiceIsIdempotent(t *testing.T) {
	s := newSystem(t, true)
	s.writeRecord(t)
	first := s.persistOnce(t, config.Default())
	second := s.persistOnce(t, config.Default())
	if first.Outcome != event.PersistDone || second.Outcome != event.PersistDone {
		t.Fatalf("outcomes %s, %s (%v, %v)", first.Outcome, second.Outcome, first.Err, second.Err)
	}
	if second.Saved != "" {
		t.Errorf("the second run saved the record again as %s", second.Saved)
	}
	logs, err := os.ReadDir(filepath.Join(s.persist, audit.LogDir))
	if err != nil || len(logs) != 1 {
		t.Errorf("records beneath the persistent root: %v, %v; want exactly one", logs, err)
	}
}

// The NixOS module attaches the entries of a second persistent root with a
// second persist run (its own configuration, persistRoot /cache); owner names
// are resolved from the maps kept beneath the first root, /persist.
func TestPersistOfASecondRootResolvesNamesFromTheFirstRootsMaps(t *testing.T) {
	for _, tc := range []struct {
		name        string
		mapsRoot    string
		wantRefused int
	}{
		{"with --maps-from /persist the name is resolved and the entry attached", "/persist", 0},
		{"without it the second root has no maps: the entry alone is refused", "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSystem(t, true)
			cache := filepath.Join(s.root, "cache")
			if err := os.MkdirAll(cache, 0o755); err != nil {
				t.Fatal(err)
			}
			testns.MountTmpfs(t, cache)
			for name, content := range map[string]string{"uid-map": `{"alice":1000}`, "gid-map": `{"users":100}`} {
				p := filepath.Join(s.persist, "var/lib/nixos", name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfg := config.Default()
			cfg.PersistRoot = "/cache"
			cfg.Entries = []config.Entry{{Path: "/home/alice/.cache", How: "bind", Type: "directory", User: "alice", Group: "users", Mode: "0700"}}
			log := logrus.New()
			log.SetOutput(&strings.Builder{})
			rep := Persist(PersistRequest{Config: cfg, Root: s.root, Log: log, MapsRoot: tc.mapsRoot})
			if len(rep.Refused) != tc.wantRefused {
				t.Fatalf("refused %d (%v), want %d", len(rep.Refused), rep.Refused, tc.wantRefused)
			}
			if tc.wantRefused > 0 {
				return
			}
			if rep.Err != nil || rep.Attached.Failed() != 0 {
				t.Fatalf("not attached: %v", rep.Err)
			}
			var st unix.Stat_t
			if err := unix.Stat(filepath.Join(cache, "home/alice/.cache"), &st); err != nil || st.Uid != 1000 || st.Gid != 100 {
				t.Errorf("the copy under /cache: uid %d gid %d (%v), want 1000 100", st.Uid, st.Gid, err)
			}
			if ok, err := mounts.IsMountPoint(filepath.Join(s.root, "home/alice/.cache")); err != nil || !ok {
				t.Errorf("/home/alice/.cache is not mounted (%v)", err)
			}
		})
	}
}
