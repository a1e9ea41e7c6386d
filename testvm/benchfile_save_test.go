package testvm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// benchFileOf is a results file holding one run of each bench named.
func benchFileOf(date string, notes []string, benches ...string) BenchFile {
	f := BenchFile{Meta: map[string]any{"date": date}, Notes: notes}
	for _, b := range benches {
		f.Runs = append(f.Runs, BenchRun{Bench: b, Case: "c", Tool: date, Run: 1, WallMs: 1})
	}
	return f
}

func writeBenchFile(t *testing.T, path string, f BenchFile) {
	t.Helper()
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readBenchFile(t *testing.T, path string) BenchFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f BenchFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// runsBy lists "bench/tool" of every run, so a test sees whose runs a part holds.
func runsBy(f BenchFile) []string {
	var got []string
	for _, r := range f.Runs {
		got = append(got, r.Bench+"/"+r.Tool)
	}
	slices.Sort(got)
	return got
}

func TestSaveBenchKeepsTheFilesRunsOfEveryPartThisRunDidNotFinish(t *testing.T) {
	old := benchFileOf("old", []string{"bench-units: 1,000 entries: mount units not booted", "bench-chain: a note"},
		"rollback", "start", "persist-initrd", "critical-path")
	tests := []struct {
		name      string
		merge     bool
		done      string
		this      BenchFile
		want      []string
		wantNotes []string // notes that must be in the file; the others must not
	}{
		{"a finished part replaces the file's runs of it, the others are kept", true, ",units,",
			benchFileOf("new", nil, "persist-initrd"),
			[]string{"critical-path/old", "persist-initrd/new", "rollback/old", "start/old"},
			[]string{"bench-chain: a note"}},
		{"a part not finished keeps the file's runs of it", true, ",",
			benchFileOf("new", nil),
			[]string{"critical-path/old", "persist-initrd/old", "rollback/old", "start/old"},
			[]string{"bench-units: 1,000 entries: mount units not booted", "bench-chain: a note"}},
		{"every part finished keeps only the cases it did not measure", true, ",rollback,persist,units,chain,size,",
			benchFileOf("new", nil, "rollback", "persist-initrd"),
			[]string{"critical-path/old", "persist-initrd/new", "rollback/new", "start/old"}, nil},
		{"without merge the file is replaced", false, ",",
			benchFileOf("new", nil, "rollback"),
			[]string{"rollback/new"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "results.json")
			writeBenchFile(t, path, old)
			// Room after the caller's runs: a merge that appended there would
			// change the caller's slice under it.
			this := tc.this
			this.Runs = slices.Grow(this.Runs, 8)
			if err := saveBench(path, this, tc.merge, tc.done); err != nil {
				t.Fatal(err)
			}
			if spare := this.Runs[len(this.Runs) : len(this.Runs)+1]; spare[0].Bench != "" {
				t.Errorf("saveBench wrote into the caller's runs: %+v", spare[0])
			}
			got := readBenchFile(t, path)
			if !slices.Equal(runsBy(got), tc.want) {
				t.Errorf("runs %q, want %q", runsBy(got), tc.want)
			}
			for _, n := range old.Notes {
				if slices.Contains(got.Notes, n) != slices.Contains(tc.wantNotes, n) {
					t.Errorf("note %q: in the file %v, want %v", n, slices.Contains(got.Notes, n), slices.Contains(tc.wantNotes, n))
				}
			}
			if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
				t.Errorf("the temporary file is left behind: %v", err)
			}
		})
	}
}

func TestSaveBenchKeepsTheCasesAFinishedPartDidNotMeasure(t *testing.T) {
	run := func(c, tool string, extra map[string]string) BenchRun {
		return BenchRun{Bench: "rollback", Case: c, Tool: tool, Run: 1, WallMs: 1, Extra: extra}
	}
	old := BenchFile{
		Meta: map[string]any{"date": "D2", "date_rollback": "D1"},
		Runs: []BenchRun{run("none", "old", nil), run("100k", "old", map[string]string{"written": "9"}),
			run("1G", "older", map[string]string{"measured": "D0"})},
	}
	path := filepath.Join(t.TempDir(), "results.json")
	writeBenchFile(t, path, old)
	this := BenchFile{Meta: map[string]any{"date": "D3"}, Runs: []BenchRun{run("none", "new", nil)}}
	if err := saveBench(path, this, true, ",rollback,"); err != nil {
		t.Fatal(err)
	}
	got := readBenchFile(t, path)
	want := map[string]string{"none": "new", "100k": "old", "1G": "older"}
	measured := map[string]string{"none": "", "100k": "D1", "1G": "D0"} // a run carried again keeps its date
	if len(got.Runs) != len(want) {
		t.Fatalf("runs %+v, want one of each case in %v", got.Runs, want)
	}
	for _, r := range got.Runs {
		if r.Tool != want[r.Case] || r.Extra["measured"] != measured[r.Case] {
			t.Errorf("case %s: run of %s measured %q, want the run of %s measured %q", r.Case, r.Tool, r.Extra["measured"], want[r.Case], measured[r.Case])
		}
		if r.Case == "100k" && r.Extra["written"] != "9" {
			t.Errorf("the carried run lost its other extras: %v", r.Extra)
		}
	}
	var note string
	for _, n := range got.Notes {
		if strings.HasPrefix(n, "bench-rollback: cases not measured") {
			note = n
		}
	}
	if !strings.Contains(note, "rollback 100k (measured D1)") || !strings.Contains(note, "rollback 1G (measured D0)") || strings.Contains(note, "none") {
		t.Errorf("the part's note %q should name 100k and 1G with their dates, and not none", note)
	}
	if old.Runs[1].Extra["measured"] != "" {
		t.Error("carrying a run changed the file's run in memory")
	}
}

func TestSaveBenchFailsNamingThePathAndLeavesTheFileAsItWas(t *testing.T) {
	tests := []struct {
		name    string
		merge   bool
		prepare func(t *testing.T, dir string) string // returns the results path
		want    string                                // in the error
	}{
		{"a file that is not JSON stops a merge", true, func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "results.json")
			if err := os.WriteFile(p, []byte("{half"), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}, "results.json: invalid character"},
		{"a file that is not there stops a merge", true, func(t *testing.T, dir string) string {
			return filepath.Join(dir, "results.json")
		}, "BENCH_MERGE: open"},
		{"a directory that is not there stops the write", false, func(t *testing.T, dir string) string {
			return filepath.Join(dir, "gone", "results.json")
		}, "gone/results.json.tmp"},
		{"a directory in the file's place stops the rename", false, func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "results.json")
			if err := os.MkdirAll(filepath.Join(p, "x"), 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}, "results.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tc.prepare(t, dir)
			before, _ := os.ReadFile(path)
			err := saveBench(path, benchFileOf("new", nil, "rollback"), tc.merge, ",rollback,")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			}
			after, _ := os.ReadFile(path)
			if string(after) != string(before) {
				t.Errorf("the file changed: %q → %q", before, after)
			}
			if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
				t.Errorf("the temporary file is left behind: %v", err)
			}
		})
	}
}
