package mounts

import "testing"

func TestIsMountPointTellsMountRootsFromDirectories(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		path string
		want bool
	}{
		{"/proc", true},
		{"/", true},
		{dir, false},
	}
	for _, tc := range tests {
		got, err := IsMountPoint(tc.path)
		if err != nil || got != tc.want {
			t.Errorf("IsMountPoint(%s) = %v, %v; want %v", tc.path, got, err, tc.want)
		}
	}
	if _, err := IsMountPoint(dir + "/absent"); err == nil {
		t.Error("IsMountPoint of a missing path succeeded")
	}
}
