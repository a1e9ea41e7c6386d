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
