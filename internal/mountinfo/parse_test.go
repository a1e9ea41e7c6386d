package mountinfo

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLineReadsEveryFieldAndUnescapesPaths(t *testing.T) {
	tests := []struct {
		name, line string
		want       Mount
	}{
		{"no optional fields", `22 1 0:21 / / rw - tmpfs none rw`,
			Mount{ID: 22, Parent: 1, Dev: "0:21", Root: "/", Point: "/", FSType: "tmpfs", Source: "none"}},
		{"one optional field, escaped point and source", `36 35 98:0 /mnt1 /mnt\040two rw,noatime master:1 - zfs rpool/a\040b rw`,
			Mount{ID: 36, Parent: 35, Dev: "98:0", Root: "/mnt1", Point: "/mnt two", FSType: "zfs", Source: "rpool/a b"}},
		{"several optional fields", `40 22 0:50 /sub /sysroot/persist rw shared:3 master:1 propagate_from:2 - zfs rpool/nixos/persist rw,xattr`,
			Mount{ID: 40, Parent: 22, Dev: "0:50", Root: "/sub", Point: "/sysroot/persist", FSType: "zfs", Source: "rpool/nixos/persist"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLine(tc.line)
			if err != nil || got != tc.want {
				t.Errorf("ParseLine = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestParseLineRejectsWhatIsNotAMountinfoLine(t *testing.T) {
	tests := []struct{ name, line string }{
		{"no separator", `22 1 0:21 / / rw tmpfs none rw`},
		{"nothing after the separator", `22 1 0:21 / / rw -`},
		{"a mount ID that is not a number", `x 1 0:21 / / rw - tmpfs none rw`},
		{"too few fields", `22 1 0:21 /`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if m, err := ParseLine(tc.line); err == nil {
				t.Errorf("ParseLine(%q) = %+v, want an error", tc.line, m)
			}
		})
	}
}

func TestParseNamesTheLineItCannotRead(t *testing.T) {
	in := "22 1 0:21 / / rw - tmpfs none rw\n\ngarbage\n"
	ms, err := Parse(strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("error %v, want one naming line 3", err)
	}
	if len(ms) != 1 {
		t.Errorf("got %d mounts before the bad line, want 1", len(ms))
	}
}

func TestAtFindsTheTopmostMountAtAPoint(t *testing.T) {
	ms := []Mount{{ID: 1, Point: "/"}, {ID: 2, Point: "/a"}, {ID: 3, Point: "/a"}, {ID: 4, Point: "/b"}}
	tests := []struct {
		point  string
		wantID int
		found  bool
	}{{"/a", 3, true}, {"/", 1, true}, {"/c", 0, false}}
	for _, tc := range tests {
		t.Run(tc.point, func(t *testing.T) {
			m, ok := At(ms, tc.point)
			if ok != tc.found || m.ID != tc.wantID {
				t.Errorf("At(%s) = %+v, %v; want ID %d, %v", tc.point, m, ok, tc.wantID, tc.found)
			}
		})
	}
	if !reflect.DeepEqual(ms[1], Mount{ID: 2, Point: "/a"}) {
		t.Error("At changed its input")
	}
}
