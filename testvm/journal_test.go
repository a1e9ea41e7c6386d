package testvm

import (
	"strings"
	"testing"
)

const sampleDump = `noise
JOURNAL-BEGIN
[   27.852571] localhost systemd[1]: Starting blankslate-rollback.service - blankslate: roll the root dataset back to its blank snapshot...
[   28.537292] localhost blankslate[423]: blankslate: rollback: [finished] nothing
[   28.551000] localhost systemd[1]: Finished blankslate-rollback.service - blankslate: roll the root dataset back to its blank snapshot.
[   28.600000] localhost systemd[1]: Mounting sysroot.mount - /sysroot...
[   28.900000] localhost systemd[1]: Mounted sysroot.mount - /sysroot.
[   30.100000] localhost systemd[1]: Starting blankslate-persist.service - blankslate: attach persistent paths beneath /sysroot...
[   31.187000] localhost systemd[1]: Finished blankslate-persist.service - blankslate: attach persistent paths beneath /sysroot.
[   31.200000] localhost systemd[1]: Reached target initrd-fs.target - Initrd File Systems.
JOURNAL-END
`

func TestJournalEventsGiveUnitOrderAndTimes(t *testing.T) {
	evs, err := JournalEvents(sampleDump)
	if err != nil {
		t.Fatal(err)
	}
	if err := Order(evs, "Finished", "blankslate-rollback.service", "Mounting", "sysroot.mount"); err != nil {
		t.Error(err)
	}
	if err := Order(evs, "Finished", "blankslate-persist.service", "Reached target", "initrd-fs.target"); err != nil {
		t.Error(err)
	}
	if err := Order(evs, "Mounting", "sysroot.mount", "Finished", "blankslate-rollback.service"); err == nil {
		t.Error("reversed order was accepted")
	}
	d, err := UnitTime(evs, "blankslate-rollback.service")
	if err != nil || d < 0.698 || d > 0.699 {
		t.Errorf("rollback unit time %.6f, %v; want 0.698429", d, err)
	}
}

func TestJournalEventsWithoutDumpIsAnError(t *testing.T) {
	if _, err := JournalEvents("no dump here"); err == nil || !strings.Contains(err.Error(), "no journal dump") {
		t.Errorf("err = %v", err)
	}
}

func TestNoOrderingCycleFindsSystemdsCycleLines(t *testing.T) {
	clean := sampleDump
	if err := NoOrderingCycle(clean); err != nil {
		t.Errorf("a journal without cycle lines: %v", err)
	}
	for _, line := range []string{
		"[    5.1] localhost systemd[1]: sysroot.mount: Found ordering cycle on blankslate-rollback.service/start",
		"[    5.1] localhost systemd[1]: sysroot.mount: Job blankslate-rollback.service/start deleted to break ordering cycle starting with sysroot.mount/start",
	} {
		if err := NoOrderingCycle(clean + line + "\n"); err == nil || !strings.Contains(err.Error(), "deleted to break") && !strings.Contains(err.Error(), "Found ordering") {
			t.Errorf("%q: err = %v", line, err)
		}
	}
}

func TestEndedBeforeAcceptsAFailedResumeAttempt(t *testing.T) {
	evs := unitEvents(`[    4.000000] h systemd[1]: Starting systemd-hibernate-resume.service - Resume from hibernation...
[    9.000000] h systemd[1]: Failed to start systemd-hibernate-resume.service - Resume from hibernation.
[   10.000000] h systemd[1]: Starting blankslate-rollback.service - blankslate: roll the root dataset back...`)
	if err := EndedBefore(evs, "systemd-hibernate-resume.service", "Starting", "blankslate-rollback.service"); err != nil {
		t.Error(err)
	}
	if err := EndedBefore(evs[1:], "blankslate-rollback.service", "Starting", "systemd-hibernate-resume.service"); err == nil {
		t.Error("a unit that never ended was accepted")
	}
}

func TestMountedBelowReadsMountinfo(t *testing.T) {
	mi := `22 1 0:21 / / rw - rootfs rootfs rw
60 22 0:40 / /sysroot rw,relatime - zfs rpool/nixos/empty rw
61 60 0:41 / /sysroot/persist rw - zfs rpool/nixos/persist rw
62 22 0:42 / /sysrootx rw - tmpfs t rw`
	got := MountedBelow(mi, "/sysroot")
	if strings.Join(got, " ") != "/sysroot /sysroot/persist" {
		t.Errorf("got %q", got)
	}
	if got := MountedBelow("22 1 0:21 / / rw - rootfs rootfs rw", "/sysroot"); len(got) != 0 {
		t.Errorf("nothing mounted, got %q", got)
	}
}

func TestSpanIsTheTimeBetweenTwoEventsOrSaysWhichIsMissing(t *testing.T) {
	evs, err := JournalEvents(sampleDump)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name             string
		fromVerb, from   string
		toVerb, to       string
		want             float64
		wantErrSubstring string
	}{
		{"sysroot mounted to initrd-fs.target", "Mounted", "sysroot.mount", "Reached target", "initrd-fs.target", 2.3, ""},
		{"a missing start", "Reached target", "zfs-import.target", "Reached target", "initrd-fs.target", 0, "zfs-import.target"},
		{"a missing end", "Mounted", "sysroot.mount", "Finished", "nothing.service", 0, "nothing.service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Span(evs, tt.fromVerb, tt.from, tt.toVerb, tt.to)
			if tt.wantErrSubstring != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrSubstring) {
					t.Errorf("err = %v, want one naming %s", err, tt.wantErrSubstring)
				}
				return
			}
			if err != nil || got < tt.want-1e-6 || got > tt.want+1e-6 {
				t.Errorf("Span = %.6f, %v; want %.6f", got, err, tt.want)
			}
		})
	}
}
