package zfs

import "testing"

func TestNameHelpersSplitFullNames(t *testing.T) {
	tests := []struct {
		name, dataset, snap, parent, pool string
		isSnap                            bool
	}{
		{"rpool/nixos/empty@start", "rpool/nixos/empty", "start", "rpool/nixos", "rpool", true},
		{"rpool/nixos/empty", "", "", "rpool/nixos", "rpool", false},
		{"rpool", "", "", "", "rpool", false},
		{"rpool@x", "rpool", "x", "", "rpool", true},
		{"rpool/a#mark", "", "", "rpool", "rpool", false},
		{"@x", "", "", "", "", false},
		{"rpool/a@", "", "", "rpool", "rpool", false},
	}
	for _, tt := range tests {
		ds, snap, ok := SplitSnapshot(tt.name)
		if ok != tt.isSnap || ds != tt.dataset || snap != tt.snap {
			t.Errorf("SplitSnapshot(%q) = %q, %q, %v", tt.name, ds, snap, ok)
		}
		if ok && SnapshotName(ds, snap) != tt.name {
			t.Errorf("SnapshotName(%q, %q) does not give %q back", ds, snap, tt.name)
		}
		if got := PoolOf(tt.name); got != tt.pool {
			t.Errorf("PoolOf(%q) = %q, want %q", tt.name, got, tt.pool)
		}
	}
	for _, tt := range tests[:3] {
		if got := Parent(tt.name); got != tt.parent {
			t.Errorf("Parent(%q) = %q, want %q", tt.name, got, tt.parent)
		}
	}
}
