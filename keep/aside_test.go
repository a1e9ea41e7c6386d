package keep

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// setAside sets the root aside as boot n would, after writing to it.
func setAside(t *testing.T, m interface{ Write(string, uint64) }, z ZFS, roots, boot int) string {
	t.Helper()
	m.Write(d, 5)
	name, why, err := SetAside(z, req(roots, boot))
	if err != nil || name == "" {
		t.Fatalf("set aside: %q, %q, %v", name, why, err)
	}
	return name
}

func TestSetAsideKeepsTheRootMarkedPendingWhateverKeepRootsSays(t *testing.T) {
	for _, roots := range []int{0, 3} {
		t.Run(fmt.Sprintf("keep.roots %d", roots), func(t *testing.T) {
			m := newModel(t)
			name, _, err := SetAside(m, req(roots, 0))
			if err != nil {
				t.Fatal(err)
			}
			info, err := m.Info(name)
			if err != nil || info.Audit != AuditPending || !info.ReadOnly || info.CanMount != "noauto" {
				t.Errorf("%s: %+v, %v; want it sealed and pending", name, info, err)
			}
			if err := blankOwner(m); err != nil {
				t.Error(err)
			}
			if w := writtenSince(t, m, name); w != 5 {
				t.Errorf("the root set aside holds %d bytes, want 5", w)
			}
		})
	}
}

func TestSetAsideSaysWhyItCannot(t *testing.T) {
	m := seed(t, 0)
	name, why, err := SetAside(m, req(0, 0))
	if name != "" || err != nil || why == "" {
		t.Errorf("set aside a clean root: %q, %q, %v", name, why, err)
	}
}

// Roots waiting for their listing count among the newest keep.roots but are
// never destroyed by Prune; Listed lets them go as keep.roots says.
func TestPruneSparesRootsWaitingForTheirListing(t *testing.T) {
	tests := []struct {
		name       string
		roots      int
		listFirst  bool // the older root was listed before the newer was set aside
		wantAfter  int  // roots left after the newer one is set aside and pruned
		wantListed int  // roots left after the newer one is listed
	}{
		{"keep.roots 0, nothing listed: both wait", 0, false, 2, 1},
		{"keep.roots 0, the older listed: it went at its listing", 0, true, 1, 0},
		{"keep.roots 1, the older listed: it is pruned by the newer", 1, true, 1, 1},
		{"keep.roots 1, nothing listed: the older still waits for its own listing", 1, false, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := seed(t, 0)
			older := setAside(t, m, m, tc.roots, 0)
			if tc.listFirst {
				if _, err := Listed(m, req(tc.roots, 0), older); err != nil {
					t.Fatal(err)
				}
			}
			newer := setAside(t, m, m, tc.roots, 1)
			if _, err := Prune(m, req(tc.roots, 1)); err != nil {
				t.Fatal(err)
			}
			if got := keptNames(t, m); len(got) != tc.wantAfter {
				t.Fatalf("after the set-aside: %v, want %d roots", got, tc.wantAfter)
			}
			if _, err := Listed(m, req(tc.roots, 1), newer); err != nil {
				t.Fatal(err)
			}
			got := keptNames(t, m)
			if len(got) != tc.wantListed {
				t.Fatalf("after the listing: %v, want %d roots", got, tc.wantListed)
			}
			if tc.wantListed > 0 && tc.roots > 0 && !reflect.DeepEqual(got[len(got)-1:], []string{newer}) {
				t.Errorf("kept %v, want the newest, %s", got, newer)
			}
		})
	}
}

// Before the root can be mounted the set-aside writes only the rename and the
// clone; Finish promotes and seals after switch-root. A root set aside that
// `zfs mount -a` could mount while writable (a mount point of its own,
// canmount on) is sealed at once instead.
func TestSetAsideForMountStopsAtTheCloneUnlessTheRootCouldBeMountedBySomethingElse(t *testing.T) {
	want := cont + "/20261126T015800Z"
	tests := []struct {
		name       string
		props      map[string]string // set on D beyond the seed's mountpoint=legacy
		unfinished bool
		writes     string // the journal before Finish
	}{
		{"mountpoint legacy", nil, true, "CreateFS " + cont + " canmount=off mountpoint=none|Rename " + d + " " + want +
			"|Clone " + want + "@start " + d + " mountpoint=legacy user:x=y"},
		{"mountpoint / but canmount noauto", map[string]string{"mountpoint": "/", "canmount": "noauto"}, true, ""},
		{"mountpoint / and canmount on", map[string]string{"mountpoint": "/"}, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(t)
			for k, v := range tc.props {
				m.Set(d, k, v)
			}
			got, why, err := SetAsideForMount(m, req(0, 0))
			if err != nil || got.Name != want || got.Unfinished != tc.unfinished {
				t.Fatalf("set aside %+v, %q, %v; want %s, unfinished %v", got, why, err, want, tc.unfinished)
			}
			if j := strings.Join(m.Journal(), "|"); tc.writes != "" && j != tc.writes {
				t.Errorf("writes before the mount\n%s\nwant\n%s", j, tc.writes)
			}
			info, _ := m.Info(d)
			if tc.unfinished {
				w, _ := m.Written(want, "start")
				if k, _ := m.Info(want); info.Origin != want+"@start" || k.ReadOnly || w != 5 {
					t.Errorf("root %+v, set aside %+v; want the root a clone of %s@start, that root writable and holding the data", info, k, want)
				}
				did, err := Finish(m, pending(req(0, 1)))
				if err != nil || len(did) != 1 {
					t.Fatalf("finish: %v, %v", did, err)
				}
			} else if did, err := Finish(m, pending(req(0, 1))); err != nil || len(did) != 0 {
				t.Errorf("finish after a whole set-aside: %v, %v; want nothing to do", did, err)
			}
			if err := blankOwner(m); err != nil {
				t.Error(err)
			}
			if k, err := m.Info(want); err != nil || k.Audit != AuditPending || !k.ReadOnly || k.CanMount != "noauto" {
				t.Errorf("%s: %+v, %v; want it sealed and pending", want, k, err)
			}
		})
	}
}

// The boot that stops at the clone prunes before the rename only the roots
// that waited too long for their listing (the new root counts as the newest
// waiting); kept roots beyond keep.roots that were listed go after boot.
func TestSetAsideForMountPrunesOnlyRootsThatWaitedTooLong(t *testing.T) {
	m := newModel(t)
	listed := setAside(t, m, m, 0, 0)
	if _, err := Listed(m, req(1, 0), listed); err != nil { // keep.roots 1 then: it stays
		t.Fatal(err)
	}
	var waiting []string
	for boot := 1; boot <= MaxPending; boot++ {
		waiting = append(waiting, setAside(t, m, m, 0, boot))
	}
	m.Write(d, 5)
	got, _, err := SetAsideForMount(m, req(0, 9))
	if err != nil || !got.Unfinished {
		t.Fatalf("set aside %+v, %v", got, err)
	}
	if len(got.Pruned) != 1 || got.Pruned[0] != waiting[0] {
		t.Errorf("pruned %v, want the oldest waiting root %s alone", got.Pruned, waiting[0])
	}
	if _, err := m.Info(listed); err != nil {
		t.Errorf("the listed root %s was pruned at boot: %v", listed, err)
	}
	if _, err := Finish(m, pending(req(0, 9))); err != nil {
		t.Fatal(err)
	}
	if w, err := Awaiting(m, d, "start"); err != nil || len(w) != MaxPending {
		t.Errorf("%d roots waiting after the listing's finish (%v), want %d", len(w), err, MaxPending)
	}
}

// pending is r as the listing after boot finishes with: what it seals waits
// for its listing.
func pending(r Request) Request {
	r.AuditPending = true
	return r
}
