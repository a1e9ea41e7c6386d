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

// listed runs List as the listing process does and Collect as the boot step
// does, joined by a pipe.
func listed(t *testing.T, src Source, dir string, maxFiles int, wait time.Duration) Listing {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(List(src, "rpool/nixos/empty", "start", dir, maxFiles, time.Now().Add(wait), pw))
	}()
	l, err := Collect(pr, maxFiles)
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return l
}

func TestListStreamsTopLevelAndFilesWithinLimits(t *testing.T) {
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
			l := listed(t, tc.src, dir, tc.maxFiles, tc.wait)
			if top := fmt.Sprint(l.Top); top != "[{etc directory} {junk file} {var directory}]" {
				t.Errorf("top %s", top)
			}
			if len(l.Files) != tc.wantFiles || l.Complete != tc.wantComplete || !strings.Contains(l.Limited, tc.wantLimited) {
				t.Errorf("files %d complete %v limited %q", len(l.Files), l.Complete, l.Limited)
			}
		})
	}
}

func TestListParsesPathsRelativeToTheRoot(t *testing.T) {
	dir := rootWithJunk(t)
	src := fakeSource{lines: []string{"R\tF\t" + dir + "/a\t" + dir + "/b\\0040c", "-\t/\t" + dir + "/old"}}
	l := listed(t, src, dir, 10, time.Minute)
	want := []File{{"renamed", "file", "/a", "/b c"}, {"removed", "directory", "/old", ""}}
	if !reflect.DeepEqual(l.Files, want) {
		t.Errorf("files %+v", l.Files)
	}
}

func TestCollectKeepsWhatArrivedFromABrokenStream(t *testing.T) {
	top := `{"top":[{"name":"etc","type":"directory"}]}` + "\n"
	file := `{"file":{"change":"created","type":"file","path":"/junk"}}` + "\n"
	tests := []struct {
		name        string
		stream      string
		maxFiles    int
		wantFiles   int
		wantErr     string
		wantLimited string
	}{
		{"a stream cut before its end line", top + file, 10, 1, "ended early", "ended early"},
		{"a line that is not a message", top + file + "garbage\n", 10, 1, "not a listing message", "not a listing message"},
		{"more files than asked for", top + file + file + file, 2, 2, "more than maxFiles 2", "more than maxFiles 2"},
		{"an end line makes it whole", top + file + `{"end":{"complete":true}}` + "\n", 10, 1, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Collect(strings.NewReader(tc.stream), tc.maxFiles)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
			if len(l.Files) != tc.wantFiles || len(l.Top) != 1 || !strings.Contains(l.Limited, tc.wantLimited) {
				t.Errorf("listing %+v", l)
			}
			if l.Complete != (tc.wantErr == "") {
				t.Errorf("complete %v after error %v", l.Complete, err)
			}
		})
	}
}

func TestRecordRoundTripsAndSummarises(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run/blankslate/audit.json")
	r := New("rpool/nixos/empty", "start", 50<<20, time.Date(2026, 11, 26, 1, 2, 3, 4, time.UTC))
	r.Top = []Entry{{"etc", "directory"}, {"var", "directory"}}
	r.Files = []File{{"created", "file", "/etc/junk", ""}}
	r.Limited = "stopped at maxFiles 1"
	r.Outcome, r.KeptAs = OutcomeKept, "rpool/nixos/blankslate-prev/20261126T010203Z"
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
	if s := got.Summary(); s != "50.0 MiB written since @start, in [/etc /var]; the first 1 changed paths (stopped at maxFiles 1); kept as rpool/nixos/blankslate-prev/20261126T010203Z" {
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
