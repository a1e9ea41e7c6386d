package check

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func sampleReport() *Report {
	return &Report{Config: "built-in default", Root: "/", Dataset: "rpool/nixos/empty@start", Findings: []Finding{
		{Check: "pool.imported", Severity: OK, Object: "rpool", Message: "imported"},
		{Check: "snapshot.latest", Severity: Warning, Object: "rpool/nixos/empty@start", Message: "1 newer snapshot(s)",
			Fix: "zfs destroy rpool/nixos/empty@later", Data: map[string]any{"newer": 1}},
		{Check: "layout.arc-max", Severity: Info, Object: "zfs_arc_max", Message: "not set"},
	}}
}

func TestTextIsAlignedWithTheFixUnderTheFinding(t *testing.T) {
	var b bytes.Buffer
	WriteText(&b, sampleReport(), TextOptions{All: true})
	var col int
	for _, l := range strings.Split(b.String(), "\n") {
		switch {
		case strings.Contains(l, "FINDING"):
			col = strings.Index(l, "FINDING")
		case strings.Contains(l, "newer snapshot") && strings.Index(l, "1 newer") != col:
			t.Errorf("finding not in column %d: %q", col, l)
		case strings.Contains(l, "fix: ") && strings.Index(l, "fix: ") != col:
			t.Errorf("fix not under the finding, column %d: %q", col, l)
		}
	}
	for _, want := range []string{"WARNING  snapshot.latest", "fix: zfs destroy rpool/nixos/empty@later", "1 problem: 0 errors, 1 warning (1 ok, 1 info)."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("colour without a terminal")
	}
}

func TestTextHasColourOnlyWhenAsked(t *testing.T) {
	var b bytes.Buffer
	WriteText(&b, sampleReport(), TextOptions{Colour: true})
	if !strings.Contains(b.String(), "\x1b[33;1mWARNING\x1b[0m") {
		t.Errorf("no coloured severity:\n%q", b.String())
	}
}

// A person reads the problems first, then what was not checked, then
// information; the ok findings are counted, and listed only with --all.
func TestTextPutsProblemsFirstAndCountsTheOKOnes(t *testing.T) {
	r := sampleReport()
	r.Findings = append(r.Findings, Finding{Check: "persist.mounted", Severity: NotChecked, Object: "/mnt/persist", Message: "is not mounted"},
		Finding{Check: "dataset.exists", Severity: Error, Object: "tank/root", Message: "does not exist", Fix: "zfs list"})
	tests := []struct {
		name    string
		all     bool
		order   []string // these, in this order
		absent  string
		verdict string
	}{
		{"ok ones counted", false, []string{"ERROR", "WARNING", "NOT CHECKED", "info"}, "pool.imported",
			"2 problems: 1 error, 1 warning; 1 not checked, so not known to be healthy (1 ok, 1 info; blankslate check --all lists the ok ones too)."},
		{"ok ones listed with --all", true, []string{"ERROR", "WARNING", "NOT CHECKED", "info", "ok "}, "",
			"2 problems: 1 error, 1 warning; 1 not checked, so not known to be healthy (1 ok, 1 info)."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteText(&b, r, TextOptions{All: tc.all})
			out := b.String()
			at := 0
			for _, w := range tc.order {
				i := strings.Index(out[at:], "  "+w)
				if i < 0 {
					t.Fatalf("%q missing or out of order:\n%s", w, out)
				}
				at += i + 1
			}
			if tc.absent != "" && strings.Contains(out, tc.absent) {
				t.Errorf("%q listed:\n%s", tc.absent, out)
			}
			if !strings.Contains(out, tc.verdict) {
				t.Errorf("verdict is not %q:\n%s", tc.verdict, out)
			}
		})
	}
}

// On a terminal every line fits its width, but for a word that is longer
// than a line by itself (a path is never broken); the text loses nothing.
func TestTextWrapsToTheTerminalWidth(t *testing.T) {
	long := "the mount hides 12 entries on the root dataset (a, b, c, d, e, …); they are erased at the next boot"
	fix := "See them: mkdir -p /run/bs-root && mount --bind / /run/bs-root && ls -la /run/bs-root/var/lib/some/really/long/path/that/is/one/word/and/cannot/be/broken/anywhere"
	r := &Report{Config: "/mnt/nix/var/nix/profiles/system/etc/blankslate/config.json (/mnt/nix/store/0123456789abcdef0123456789abcdef-etc/etc/blankslate/config.json)",
		Root: "/mnt", Dataset: "tank/sys/root@blank", Findings: []Finding{
			{Check: "persist.hidden", Severity: Warning, Object: "/mnt/var/lib", Message: long, Fix: fix},
			{Check: "persist.copy", Severity: Info, Object: "/persist/home/alice/a/rather/long/object/name/beyond/forty/columns", Message: long},
		}}
	for _, width := range []int{60, 80, 120} {
		var b bytes.Buffer
		WriteText(&b, r, TextOptions{Width: width})
		for _, l := range strings.Split(b.String(), "\n") {
			if f := strings.Fields(l); len(l) > width && len(f[len(f)-1]) < width/2 { // only a word too long for any line may stick out
				t.Errorf("width %d: line of %d columns: %q", width, len(l), l)
			}
		}
		words := strings.Fields(b.String())
		for _, w := range strings.Fields(long + " " + fix + " " + r.Config) {
			if !slices.Contains(words, w) {
				t.Errorf("width %d: %q lost:\n%s", width, w, b.String())
			}
		}
	}
}

// The JSON document is a contract (doc.go): these keys, these types.
func TestJSONKeepsItsDocumentedSchema(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleReport(), "v1", ResultProblems, 1); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema     string         `json:"schema"`
		Version    string         `json:"version"`
		Result     string         `json:"result"`
		ExitStatus int            `json:"exitStatus"`
		Config     string         `json:"config"`
		Root       string         `json:"root"`
		Snapshot   string         `json:"snapshot"`
		Counts     map[string]int `json:"counts"`
		Findings   []map[string]any
	}
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not the documented JSON: %v", err)
	}
	if doc.Schema != "blankslate.check/1" || doc.Result != "problems" || doc.ExitStatus != 1 || doc.Counts["warning"] != 1 ||
		doc.Snapshot != "rpool/nixos/empty@start" || len(doc.Findings) != 3 {
		t.Errorf("got %+v", doc)
	}
	f := doc.Findings[1]
	if f["check"] != "snapshot.latest" || f["severity"] != "warning" || f["fix"] != "zfs destroy rpool/nixos/empty@later" ||
		f["data"].(map[string]any)["newer"] != 1.0 {
		t.Errorf("finding: %+v", f)
	}
	if _, ok := doc.Findings[0]["fix"]; ok {
		t.Error("an empty fix must be left out")
	}
}

func TestJSONPutsEachFindingOnOneLineAndKeepsShellText(t *testing.T) {
	var b bytes.Buffer
	r := sampleReport()
	r.Findings[1].Fix = "echo 1 > /sys/x && true"
	if err := WriteJSON(&b, r, "v1", ResultProblems, 1); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `    {"check":"snapshot.latest","severity":"warning",`) || !strings.Contains(b.String(), `echo 1 > /sys/x && true`) {
		t.Errorf("got:\n%s", b.String())
	}
}
