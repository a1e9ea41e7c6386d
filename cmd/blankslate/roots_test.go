package main

import (
	"strings"
	"testing"
	"time"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
	"github.com/blankslate/blankslate/keep"
)

type quiet struct{}

func (quiet) Infof(string, ...any) {}
func (quiet) Warnf(string, ...any) {}

func TestRootsListsNewestFirstWithWhatEachBootWrote(t *testing.T) {
	m := zfstest.Seed(t)
	t0 := time.Date(2026, 11, 26, 1, 58, 0, 0, time.UTC)
	var kept []string
	for i, n := range []uint64{1 << 20, 2 << 20} {
		m.Write(zfstest.Root, n)
		res, err := keep.Keep(m, keep.Request{Dataset: zfstest.Root, Snapshot: zfstest.Start, Roots: 3, Now: t0.Add(time.Duration(i) * time.Hour), Log: quiet{}})
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, res.Kept)
	}
	rec := audit.New(zfstest.Root, zfstest.Start, 1<<20, t0)
	rec.Top = []audit.Entry{{Name: "srv", Type: "directory"}}
	rec.KeptAs, rec.Complete = kept[0], true
	roots, err := listRoots(m, config.Default(), map[string]*audit.Record{kept[0]: rec})
	if err != nil || len(roots) != 2 || roots[0].Dataset != kept[1] || roots[1].Name != "20261126T015800Z" {
		t.Fatalf("roots %+v (%v); want %v newest first", roots, err, kept)
	}
	var b strings.Builder
	printRoots(&b, config.Default(), roots)
	for _, want := range []string{"2.0 MiB  no audit record", "1.0 MiB in /srv, 0 changed paths"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the listing lacks %q:\n%s", want, b.String())
		}
	}
}

// A held root (a mistyped recovery word kept it) says so in the listing and
// in JSON, with the command that releases it.
func TestRootsNamesAHeldRootAndHowToReleaseIt(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(zfstest.Root, 1<<20)
	res, err := keep.Keep(m, keep.Request{Dataset: zfstest.Root, Snapshot: zfstest.Start, Roots: 3,
		Hold: "unknown kernel command line word(s) blankslate.rot=x", Now: time.Date(2026, 11, 26, 1, 58, 0, 0, time.UTC), Log: quiet{}})
	if err != nil {
		t.Fatal(err)
	}
	roots, err := listRoots(m, config.Default(), nil)
	if err != nil || len(roots) != 1 || !strings.Contains(roots[0].Held, "blankslate.rot=x") {
		t.Fatalf("roots %+v (%v); want %s held, saying why", roots, err, res.Kept)
	}
	var b strings.Builder
	printRoots(&b, config.Default(), roots)
	for _, want := range []string{"HELD: unknown kernel command line word(s) blankslate.rot=x", "zfs inherit " + keep.HoldProp + " " + res.Kept} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the listing lacks %q:\n%s", want, b.String())
		}
	}
}
