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

	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

// source is the seed pool with its root mounted at dir and zfs diff
// printing lines.
func source(t *testing.T, dir string, lines []string) *zfstest.Model {
	m := zfstest.Seed(t)
	m.Mount(zfstest.Root, dir)
	m.SetDiff(zfstest.Root, lines...)
	return m
}

// hang makes the diff print its lines and then not finish, as a huge diff
// would not in time, until the test ends.
func hang(t *testing.T, m *zfstest.Model) {
	never := make(chan struct{})
	t.Cleanup(func() { close(never) })
	m.Inject(zfstest.Fault{Method: "Diff", After: true, Block: never})
}

// fail makes the diff fail with err before it prints anything.
func fail(err error) func(*testing.T, *zfstest.Model) {
	return func(_ *testing.T, m *zfstest.Model) { m.Inject(zfstest.Fault{Method: "Diff", Err: err}) }
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
	l, err := listedOrFailed(src, dir, Bounds{MaxFiles: maxFiles, MaxTime: wait})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return l
}

func listedOrFailed(src Source, dir string, b Bounds) (Listing, error) {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(List(src, "rpool/nixos/empty", "start", dir, b, pw))
	}()
	return Collect(pr, b.MaxFiles)
}

// slowStart makes the diff wait d before it prints anything, as zfs diff does
// while its temporary snapshot waits for a transaction group.
func slowStart(d time.Duration) func(*testing.T, *zfstest.Model) {
	return func(t *testing.T, m *zfstest.Model) {
		ready := make(chan struct{})
		timer := time.AfterFunc(d, func() { close(ready) })
		t.Cleanup(func() { timer.Stop() })
		m.Inject(zfstest.Fault{Method: "Diff", Slow: ready})
	}
}

// neverStarts makes the diff print nothing until the test ends.
func neverStarts(t *testing.T, m *zfstest.Model) {
	never := make(chan struct{})
	t.Cleanup(func() { close(never) })
	m.Inject(zfstest.Fault{Method: "Diff", Block: never})
}

func TestListStreamsTopLevelAndFilesWithinLimits(t *testing.T) {
	dir := rootWithJunk(t)
	tests := []struct {
		name         string
		lines        []string
		fault        func(*testing.T, *zfstest.Model)
		maxFiles     int
		wait         time.Duration
		startWithin  time.Duration
		wantFiles    int
		wantComplete bool
		wantLimited  string
		wantFailed   bool // a failure, not a bound: Collect errs and Failed says why
	}{
		{"a complete list", diffOf(dir, 3), nil, 10, time.Minute, 0, 3, true, "", false},
		{"stops at maxFiles", diffOf(dir, 30), nil, 5, time.Minute, 0, 5, false, "stopped at maxFiles 5", false},
		{"maxFiles 0 lists nothing", diffOf(dir, 3), nil, 0, time.Minute, 0, 0, false, "maxFiles 0", false},
		{"stops at the deadline", diffOf(dir, 2), hang, 10, 200 * time.Millisecond, 0, 2, false, "stopped at maxSeconds, after 2", false},
		{"a failed listing says why, and is a failure", nil, fail(errors.New("boom")), 10, time.Minute, 0, 0, false, "the listing failed: boom", true},
		{"after boot, maxSeconds counts from the first path: a slow start is listed whole",
			diffOf(dir, 3), slowStart(600 * time.Millisecond), 10, 200 * time.Millisecond, time.Minute, 3, true, "", false},
		{"after boot, a diff that hangs after its first paths stops at maxSeconds with what came",
			diffOf(dir, 2), hang, 10, 200 * time.Millisecond, time.Minute, 2, false, "stopped at maxSeconds, after 2", false},
		{"after boot, a diff that reports nothing within its start bound failed",
			diffOf(dir, 3), neverStarts, 10, 100 * time.Millisecond, 300 * time.Millisecond, 0, false, "reported nothing within", true},
		{"in the initrd, maxSeconds counts from the start, and a slow start stops at it",
			diffOf(dir, 3), slowStart(time.Second), 10, 200 * time.Millisecond, 0, 0, false, "stopped at maxSeconds, after 0", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := source(t, dir, tc.lines)
			if tc.fault != nil {
				tc.fault(t, src)
			}
			l, err := listedOrFailed(src, dir, Bounds{MaxFiles: tc.maxFiles, MaxTime: tc.wait, StartWithin: tc.startWithin})
			if (err != nil) != tc.wantFailed || (l.Failed != "") != tc.wantFailed {
				t.Errorf("error %v, failed %q; want a failure: %v", err, l.Failed, tc.wantFailed)
			}
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
	src := source(t, dir, []string{"R\tF\t" + dir + "/a\t" + dir + "/b\\0040c", "-\t/\t" + dir + "/old"})
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
