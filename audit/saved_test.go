package audit

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestReadSavedFindsKeptRecordsAndFollowsNoSymlink(t *testing.T) {
	persist := t.TempDir()
	dir := filepath.Join(persist, LogDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	kept := New("rpool/nixos/empty", "start", 42, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	kept.Outcome, kept.KeptAs = OutcomeKept, "rpool/nixos/blankslate-prev/20260102T030405Z"
	erased := New("rpool/nixos/empty", "start", 7, time.Date(2026, 1, 3, 3, 4, 5, 0, time.UTC))
	erased.Outcome = OutcomeErased
	for name, r := range map[string]*Record{"20260102T030405Z.json": kept, "20260103T030405Z.json": erased} {
		if err := r.Write(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(t.TempDir(), "secret.json")
	if err := kept.Write(secret); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "20260104T030405Z.json")); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSaved(persist)
	if err == nil {
		t.Error("a symlinked record was read, or not reported")
	}
	if len(got) != 1 || got[kept.KeptAs] == nil || got[kept.KeptAs].Bytes != 42 {
		t.Errorf("got %v, want the one kept record", got)
	}
}
