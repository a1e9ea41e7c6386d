package keep

import (
	"fmt"
	"reflect"
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
