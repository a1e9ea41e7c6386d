package keep

import (
	"strings"
	"testing"
)

// keptOnce keeps a root holding `written` bytes and returns its name.
func keptOnce(t *testing.T, m interface {
	Write(string, uint64)
}, z ZFS, written uint64, boot int) string {
	t.Helper()
	m.Write(d, written)
	res, err := Keep(z, req(3, boot))
	if err != nil || res.Kept == "" {
		t.Fatalf("keep: %+v, %v", res, err)
	}
	return res.Kept
}

func verbs(journal []string) string {
	var v []string
	for _, c := range journal {
		v = append(v, strings.Fields(c)[0])
	}
	return strings.Join(v, "|")
}

func TestBootFromMakesAWritableCopyAndLeavesTheKeptRootAsItWas(t *testing.T) {
	m := seed(t, 0)
	kept := keptOnce(t, m, m, 40, 0)
	before, _ := m.Info(kept)
	m.ClearJournal()
	snap, err := BootFrom(m, req(3, 1), kept)
	if err != nil {
		t.Fatal(err)
	}
	if got := verbs(m.Journal()); got != "Snapshot|Rename|Clone" {
		t.Errorf("calls %v, want one snapshot, one rename, one clone", m.Journal())
	}
	info, err := m.Info(d)
	if err != nil || info.Origin != snap || info.ReadOnly || info.Referenced != before.Referenced {
		t.Errorf("the root is %+v (%v); want a writable clone of %s holding the kept root's data", info, err, snap)
	}
	if after, _ := m.Info(kept); after.Referenced != before.Referenced || !after.ReadOnly || after.CanMount != "noauto" {
		t.Errorf("the kept root changed: %+v, was %+v", after, before)
	}
	if snaps, _ := m.Snapshots(Blank(d)); len(snaps) != 1 || snaps[0].Name != Blank(d)+"@start" {
		t.Errorf("the set-aside blank root does not hold @start: %v", snaps)
	}
	if p, _ := m.LocalProps(d); p["mountpoint"] != "legacy" || p["user:x"] != "y" {
		t.Errorf("the copy did not take the root's local properties: %v", p)
	}
	if rec, _, _ := IsRecoveryRoot(m, d); !rec {
		t.Error("IsRecoveryRoot does not recognise the copy")
	}
}

func TestReturnKeepsTheRecoveryBootsWritesAndTheRootOwnsStartAgain(t *testing.T) {
	m := seed(t, 0)
	kept := keptOnce(t, m, m, 40, 0)
	if _, err := BootFrom(m, req(3, 1), kept); err != nil {
		t.Fatal(err)
	}
	m.Write(d, 77)
	back, err := Return(m, req(3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if err := blankOwner(m); err != nil {
		t.Fatal(err)
	}
	info, _ := m.Info(back)
	if !isBootSnap(d, info.Origin) || !info.ReadOnly || info.CanMount != "noauto" || info.Used != 77 {
		t.Errorf("the returned root %s is %+v; want a sealed clone of the boot snapshot holding the 77 bytes written", back, info)
	}
	if ok, _ := exists(m, Blank(d)); ok {
		t.Error("the blank root is still set aside")
	}
	if again, err := Return(m, req(3, 3)); err != nil || again != "" {
		t.Errorf("a second return did %q (%v); want nothing", again, err)
	}
}

func TestBootFromRefusesWhatItCannotDoSafely(t *testing.T) {
	for _, tc := range []struct {
		name, fail, want string
		spoil            func(*testing.T, ZFS)
	}{
		{name: "the blank root is already set aside", want: "exists already", spoil: func(t *testing.T, z ZFS) {
			if err := z.CreateFS(Blank(d), nil); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "the clone fails: the blank root is renamed back", fail: "Clone", want: "renamed back"},
		{name: "the snapshot fails: nothing changes", fail: "Snapshot", want: "nothing was changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := seed(t, 0)
			kept := keptOnce(t, m, m, 40, 0)
			if tc.spoil != nil {
				tc.spoil(t, m)
			}
			if tc.fail != "" {
				m.Fail(tc.fail)
			}
			_, err := BootFrom(m, req(3, 1), kept)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if err := blankOwner(m); err != nil {
				t.Errorf("the root is not left blank: %v", err)
			}
		})
	}
}

// A power cut after any step of booting a kept root, or of returning from
// one, is repaired by the next boot, which ends blank and owning @start with
// every root of the story kept and sealed, and no boot snapshot left unused.
func TestPowerCutDuringABootFromAKeptRootIsRepaired(t *testing.T) {
	for _, cut := range []string{StepBootSnapshot, StepSetAside, StepBootClone, StepReturnKeep, StepReturnBlank} {
		t.Run(cut, func(t *testing.T) {
			m := seed(t, 0)
			kept := keptOnce(t, m, m, 40, 0)
			r := req(3, 1)
			r.AfterStep = func(s string) {
				if s == cut {
					panic(powerCut(s))
				}
			}
			func() {
				defer func() {
					if p := recover(); p != nil && p != powerCut(cut) {
						panic(p)
					}
				}()
				if _, err := BootFrom(m, r, kept); err != nil {
					t.Fatal(err)
				}
				m.Write(d, 77)
				if _, err := Return(m, r); err != nil {
					t.Fatal(err)
				}
				t.Fatalf("never cut after %s", cut)
			}()
			next := req(3, 5)
			if p, _ := Pending(m, d, "start"); (cut == StepSetAside || cut == StepReturnKeep) != (p != "") {
				t.Errorf("pending %q after a cut after %s", p, cut)
			}
			for _, f := range []func(ZFS, Request) ([]string, error){RepairBoot, Repair} {
				if _, err := f(m, next); err != nil {
					t.Fatalf("repair: %v", err)
				}
			}
			if _, err := Return(m, next); err != nil {
				t.Fatalf("return: %v", err)
			}
			if err := blankOwner(m); err != nil {
				t.Fatal(err)
			}
			if n, _ := unusedBootSnaps(m, next); len(n) > 0 {
				t.Errorf("unused boot snapshots left: %v", n)
			}
			roots, _ := List(m, d, "start")
			for _, r := range roots {
				if !r.ReadOnly || r.CanMount != "noauto" {
					t.Errorf("kept root %s is not sealed: %+v", r.Name, r)
				}
			}
			if w := writtenSince(t, m, kept); w != 40 {
				t.Errorf("the kept root booted from holds %d bytes, want its 40", w)
			}
		})
	}
}

func TestPruneDestroysBootSnapshotsAndWaitsForRootsBootedFrom(t *testing.T) {
	m := seed(t, 0)
	first := keptOnce(t, m, m, 10, 0)
	if _, err := BootFrom(m, req(3, 1), first); err != nil {
		t.Fatal(err)
	}
	m.Write(d, 20)
	second, err := Return(m, req(3, 2))
	if err != nil {
		t.Fatal(err)
	}
	third := keptOnce(t, m, m, 30, 3)
	pruned, err := Prune(m, req(1, 4))
	if err != nil || strings.Join(pruned, " ") != second {
		t.Fatalf("pruned %v (%v); want %s only: %s is what it was booted from, and waits", pruned, err, second, first)
	}
	pruned, err = Prune(m, req(1, 5))
	if err != nil || strings.Join(pruned, " ") != first {
		t.Fatalf("pruned %v (%v); want %s, free now, with its boot snapshot", pruned, err, first)
	}
	if got := keptNames(t, m); strings.Join(got, " ") != third {
		t.Errorf("kept %v, want %s", got, third)
	}
}

func TestResolveFindsAKeptRootByNameOrSaysWhichExist(t *testing.T) {
	m := seed(t, 0)
	kept := keptOnce(t, m, m, 10, 0)
	short := strings.TrimPrefix(kept, cont+"/")
	for _, tc := range []struct{ name, want, err string }{
		{short, kept, ""},
		{kept, kept, ""},
		{"20990101T000000Z", "", "kept roots, newest first: " + short},
		{"../persist", "", "is not a kept root"},
	} {
		got, err := Resolve(m, d, "start", tc.name)
		if got != tc.want || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %q", tc.name, got, err, tc.want, tc.err)
		}
	}
}
