package check

import (
	"bytes"
	"encoding/json"
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
	WriteText(&b, sampleReport(), false)
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
	WriteText(&b, sampleReport(), true)
	if !strings.Contains(b.String(), "\x1b[33;1mWARNING\x1b[0m") {
		t.Errorf("no coloured severity:\n%q", b.String())
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
