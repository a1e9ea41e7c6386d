package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
)

// step applies the failure policy of one boot step (rollback or persist).
type step struct {
	rec     *event.Recorder
	name    string
	notDone string // what a failure means for the boot, e.g. "the root was NOT reset"
	policy  string
}

// fail records a failure. Under policy "continue" in an initrd it also records, at
// priority crit, that the boot goes on without this step, and returns 0 so the
// unit's OnFailure=emergency.target does not fire; otherwise it returns code.
func (s *step) fail(o event.Outcome, err error, code int) int {
	word := "failed"
	if strings.HasSuffix(string(o), "-refused") {
		word = "refused"
	}
	s.rec.Record(o, journal.PriErr, fmt.Sprintf("%s: [%s] %v", s.name, word, err), map[string]string{"step": s.name})
	if s.policy == config.PolicyContinue && inInitrd() {
		outcome := event.Outcome("root-not-reset")
		if s.name == "persist" {
			outcome = "persist-not-done"
		}
		s.rec.Record(outcome, journal.PriCrit,
			fmt.Sprintf("%s: %s, and the boot CONTINUES because the configuration says onFailure=continue: %v", s.name, s.notDone, err),
			map[string]string{"step": s.name})
		return exitOK
	}
	return code
}

func (s *step) refuseOutsideInitrd(what string) int {
	s.rec.Record("not-initrd", journal.PriErr,
		fmt.Sprintf("%s: [refused] not running in an initrd (%s does not exist): will not %s of a running system; nothing was changed. "+
			"This step runs at boot; use --force only on a dataset or tree that nothing is using", s.name, initrdRelease, what),
		map[string]string{"step": s.name})
	return exitFailed
}

// short rounds a duration for a log line: microseconds below 10 ms, else milliseconds.
func short(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
