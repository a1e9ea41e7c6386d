package keep

import (
	"strings"
	"testing"
)

// A power cut between the clone and the setting of its properties (two
// transactions in OpenZFS) leaves D a clone of the kept root without them; the
// repair sets them again before anything mounts D, and leaves alone what D
// already has locally.
func TestRepairGivesACloneCutBeforeItsPropertiesThemBack(t *testing.T) {
	for _, tc := range []struct {
		name      string
		changed   map[string]string // set on D after the cut clone, before the repair
		wantProps map[string]string
		wantSet   string // the SetProps call that restores them, "" for none
	}{
		{"nothing set yet", nil, map[string]string{"mountpoint": "legacy", "user:x": "y"}, "mountpoint=legacy user:x=y"},
		{"one set since", map[string]string{"user:x": "z"}, map[string]string{"mountpoint": "legacy", "user:x": "z"}, "mountpoint=legacy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(t)
			r := req(1, 5)
			r.AfterStep = func(s string) {
				if s == StepRename {
					panic(powerCut(s)) // D renamed away; the clone not made yet
				}
			}
			func() { defer func() { _ = recover() }(); _, _ = Keep(m, r) }()
			roots, err := List(m, d, "start")
			if err != nil || len(roots) != 1 {
				t.Fatalf("kept roots %+v, %v; want the one renamed", roots, err)
			}
			m.AddClone(roots[0].Name+"@start", d, nil) // the clone made, its properties not
			for k, v := range tc.changed {
				m.Set(d, k, v)
			}
			m.ClearJournal()
			did, err := Repair(m, req(1, 6))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := m.LocalProps(d)
			for k, v := range tc.wantProps {
				if got[k] != v {
					t.Errorf("%s=%q after the repair, want %q (local: %v)", k, got[k], v, got)
				}
			}
			journal := strings.Join(m.Journal(), "\n")
			if tc.wantSet != "" && !strings.Contains(journal, tc.wantSet) {
				t.Errorf("the repair did\n%s\nwant a SetProps with %s (it said %v)", journal, tc.wantSet, did)
			}
			if err := blankOwner(m); err != nil {
				t.Fatal(err)
			}
		})
	}
}
