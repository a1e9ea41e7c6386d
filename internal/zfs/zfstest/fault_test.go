package zfstest_test

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

func TestFaultsFireOnTheCallsTheyName(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		fault zfstest.Fault
		fails []bool // for the calls Snapshots(root), Snapshots(home), Snapshots(root)
	}{
		{"every call", zfstest.Fault{Method: "Snapshots"}, []bool{true, true, true}},
		{"only the second call", zfstest.Fault{Method: "Snapshots", Nth: 2}, []bool{false, true, false}},
		{"only calls with an argument", zfstest.Fault{Method: "Snapshots", Arg: root}, []bool{true, false, true}},
		{"the second call with an argument", zfstest.Fault{Method: "Snapshots", Arg: root, Nth: 2}, []bool{false, false, true}},
		{"another method", zfstest.Fault{Method: "Children"}, []bool{false, false, false}},
		{"with its own error", zfstest.Fault{Method: "Snapshots", Err: boom}, []bool{true, true, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			m.Inject(tc.fault)
			for i, fs := range []string{root, "rpool/nixos/home", root} {
				snaps, err := m.Snapshots(fs)
				if (err != nil) != tc.fails[i] {
					t.Errorf("call %d: %v, want failing %v", i+1, err, tc.fails[i])
				}
				if err != nil && snaps != nil {
					t.Errorf("call %d: a failed call returned %v", i+1, snaps)
				}
				if err != nil && tc.fault.Err == nil && !strings.Contains(err.Error(), "Snapshots "+fs+": injected failure") {
					t.Errorf("call %d: %q does not name the call", i+1, err)
				}
				if err != nil && tc.fault.Err != nil && err != tc.fault.Err {
					t.Errorf("call %d: %v, want the fault's own error", i+1, err)
				}
			}
		})
	}
}

func TestAFailedCallChangesNothingAndIsNotJournaled(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddSnapshot(root, "later")
	m.Fail("DestroySnapshots")
	if err := m.DestroySnapshots([]string{root + "@later"}); err == nil {
		t.Fatal("no failure")
	}
	if got := snapNames(t, m, root); len(got) != 2 || len(m.Journal()) > 0 {
		t.Errorf("snapshots %v, journal %q", got, m.Journal())
	}
}

func TestAFaultAfterTheCallTakesEffectThenFails(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddFS("rpool/nixos/blankslate-prev", nil)
	m.Inject(zfstest.Fault{Method: "Rename", After: true})
	if err := m.Rename(root, kept); err == nil {
		t.Fatal("no failure")
	}
	if _, err := m.Dataset(kept); err != nil || !reflect.DeepEqual(m.Journal(), []string{"Rename " + root + " " + kept}) {
		t.Errorf("the rename did not take effect: %v, journal %q", err, m.Journal())
	}
}

func TestABlockingFaultHangsUntilReleased(t *testing.T) {
	m := zfstest.Seed(t)
	m.Mount(root, "/r")
	m.SetDiff(root, "+\tF\t/r/a")
	release := make(chan struct{})
	m.Inject(zfstest.Fault{Method: "Diff", After: true, Block: release})
	var out strings.Builder // read only after done: the channel orders it
	done := make(chan error)
	go func() { done <- m.Diff(root, "start", &out) }()
	select {
	case err := <-done:
		t.Fatalf("returned %v before the release", err)
	case <-time.After(50 * time.Millisecond):
	}
	if _, err := m.Dataset(root); err != nil {
		t.Errorf("the model is locked while a call hangs: %v", err)
	}
	close(release)
	if err := <-done; err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Errorf("err %v after the release", err)
	}
	if out.String() != "+\tF\t/r/a\n" {
		t.Errorf("output %q: After writes it before hanging", out.String())
	}
}

func TestJournalNamesEveryMutatingCallWithItsArguments(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddSnapshot(root, "later")
	m.AddBookmark(root+"@later", "mark")
	calls := []error{
		m.CreateFS("rpool/nixos/blankslate-prev", map[string]string{"mountpoint": "none", "canmount": "off"}),
		m.DestroyBookmarks([]string{root + "#mark"}),
		m.DestroySnapshots([]string{root + "@later"}),
		m.RollbackTo(root, "start"),
		m.Rename("rpool/nixos/home", "rpool/nixos/home2"),
		m.Clone(start, "rpool/c", map[string]string{"user:x": "y"}),
		m.Promote("rpool/c"),
		m.SetProp("rpool/nixos/home2", "readonly", "on"),
		m.Destroy("rpool/nixos/home2"),
	}
	for i, err := range calls {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	// reads are not journaled
	_, _ = m.Snapshots(root)
	_, _ = m.Info("rpool/c")
	want := []string{
		"CreateFS rpool/nixos/blankslate-prev canmount=off mountpoint=none",
		"DestroyBookmarks " + root + "#mark",
		"DestroySnapshots " + root + "@later",
		"RollbackTo " + root + " start",
		"Rename rpool/nixos/home rpool/nixos/home2",
		"Clone " + start + " rpool/c user:x=y",
		"Promote rpool/c",
		"SetProp rpool/nixos/home2 readonly on",
		"Destroy rpool/nixos/home2",
	}
	if got := m.Journal(); !reflect.DeepEqual(got, want) {
		t.Errorf("journal\n%q\nwant\n%q", got, want)
	}
	m.ClearJournal()
	if len(m.Journal()) > 0 {
		t.Error("ClearJournal left entries")
	}
}

// stopper records a setup helper's Fatalf and ends its goroutine, as
// testing.T does.
type stopper struct {
	testing.TB
	msg string
}

func (s *stopper) Helper() {}
func (s *stopper) Fatalf(format string, args ...any) {
	s.msg = format
	runtime.Goexit()
}

func TestSetupThatZFSWouldRefuseStopsTheTest(t *testing.T) {
	for name, setup := range map[string]func(m *zfstest.Model){
		"a snapshot of a missing dataset": func(m *zfstest.Model) { m.AddSnapshot("rpool/nope", "s") },
		"a second snapshot of one name":   func(m *zfstest.Model) { m.AddSnapshot(root, "start") },
		"a clone of a missing snapshot":   func(m *zfstest.Model) { m.AddClone(root+"@nope", "rpool/c", nil) },
		"a bad property":                  func(m *zfstest.Model) { m.Set(root, "canmount", "maybe") },
		"a volume with a mountpoint":      func(m *zfstest.Model) { m.AddVolume("rpool/v", 1, map[string]string{"mountpoint": "/v"}) },
		"an unknown method to fail":       func(m *zfstest.Model) { m.Fail("Rollback") },
	} {
		t.Run(name, func(t *testing.T) {
			s := &stopper{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				setup(zfstest.Seed(s))
			}()
			<-done
			if s.msg == "" {
				t.Error("the setup did not stop the test")
			}
		})
	}
}
