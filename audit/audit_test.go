package audit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fakeSource plays libzfs's diff of a root mounted at dir.
type fakeSource struct {
	lines []string
	err   error
	hang  bool // never finishes, as a huge diff would not in time
}

func (f fakeSource) Diff(fs, snap string, w io.Writer) error {
	for _, l := range f.lines {
		if _, err := io.WriteString(w, l+"\n"); err != nil {
			return err
		}
	}
	if f.hang {
		select {}
	}
	return f.err
}

func rootWithJunk(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{"etc", "var/tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "junk"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func diffOf(dir string, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("+\tF\t%s/var/tmp/f%d", dir, i))
	}
	return out
}

func TestListRecordsTopLevelAndFilesWithinLimits(t *testing.T) {
	dir := rootWithJunk(t)
	tests := []struct {
		name         string
		src          fakeSource
		maxFiles     int
		wait         time.Duration
		wantFiles    int
		wantComplete bool
		wantLimited  string
	}{
		{"a complete list", fakeSource{lines: diffOf(dir, 3)}, 10, time.Minute, 3, true, ""},
		{"stops at maxFiles", fakeSource{lines: diffOf(dir, 30)}, 5, time.Minute, 5, false, "stopped at maxFiles 5"},
		{"maxFiles 0 lists nothing", fakeSource{lines: diffOf(dir, 3)}, 0, time.Minute, 0, false, "maxFiles 0"},
		{"stops at the deadline", fakeSource{lines: diffOf(dir, 2), hang: true}, 10, 200 * time.Millisecond, 2, false, "stopped at maxSeconds, after 2"},
		{"a failed listing says why", fakeSource{err: errors.New("boom")}, 10, time.Minute, 0, false, "the listing failed: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New("rpool/nixos/empty", "start", 1<<20, time.Now())
			saves := 0
			err := List(tc.src, r, dir, tc.maxFiles, time.Now().Add(tc.wait), func(*Record) error { saves++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			top := fmt.Sprint(r.Top)
			if top != "[{etc directory} {junk file} {var directory}]" {
				t.Errorf("top %s", top)
			}
			if len(r.Files) != tc.wantFiles || r.Complete != tc.wantComplete || !strings.Contains(r.Limited, tc.wantLimited) {
				t.Errorf("files %d complete %v limited %q", len(r.Files), r.Complete, r.Limited)
			}
			if saves < 2 {
				t.Errorf("saved %d times; the top-level names must be saved before the listing", saves)
			}
		})
	}
}

func TestListParsesPathsRelativeToTheRoot(t *testing.T) {
	dir := rootWithJunk(t)
	r := New("rpool/nixos/empty", "start", 1, time.Now())
	src := fakeSource{lines: []string{"R\tF\t" + dir + "/a\t" + dir + "/b\\0040c", "-\t/\t" + dir + "/old"}}
	if err := List(src, r, dir, 10, time.Now().Add(time.Minute), func(*Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	want := []File{{"renamed", "file", "/a", "/b c"}, {"removed", "directory", "/old", ""}}
	if !reflect.DeepEqual(r.Files, want) {
		t.Errorf("files %+v", r.Files)
	}
}

func TestRecordRoundTripsAndSummarises(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run/blankslate/audit.json")
	r := New("rpool/nixos/empty", "start", 50<<20, time.Date(2026, 11, 26, 1, 2, 3, 4, time.UTC))
	r.Top = []Entry{{"etc", "directory"}, {"var", "directory"}}
	r.Files = []File{{"created", "file", "/etc/junk", ""}}
	r.Limited = "stopped at maxFiles 1"
	if err := r.Write(p); err != nil {
		t.Fatal(err)
	}
	got, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip: %+v", got)
	}
	if s := got.Summary(); s != "50.0 MiB written since @start, in [/etc /var]; the first 1 changed paths (stopped at maxFiles 1)" {
		t.Errorf("summary %q", s)
	}
}

func TestSortedOrdersRecordsOldestFirstAndIgnoresOthers(t *testing.T) {
	got := Sorted([]string{"20261126T011528Z-2.json", "notes.txt", "20261125T000000Z.json", "20261126T011528Z.json", "20261126T011528Z-10.json", ".20261126T011528Z.9.tmp"})
	want := []string{"20261125T000000Z.json", "20261126T011528Z.json", "20261126T011528Z-2.json", "20261126T011528Z-10.json"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
}
