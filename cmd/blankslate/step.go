package main

import (
	"fmt"
	"time"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
)

// step turns the failure of a boot step (rollback or persist) into journal
// entries and an exit status under the failure policy.
type step struct {
	rec     *event.Recorder
	name    string
	notDone string        // what a failure means for the boot, e.g. "the root was NOT reset"
	skipped event.Outcome // the crit outcome when the boot goes on without the step
	policy  string        // emergency until a valid configuration says otherwise
}

func newStep(rec *event.Recorder, name, notDone string, skipped event.Outcome) *step {
	return &step{rec: rec, name: name, notDone: notDone, skipped: skipped, policy: config.PolicyEmergency}
}

// fail records a failure. Under policy "continue" in an initrd it also records,
// at priority crit, that the boot goes on without this step, and returns 0 so
// the unit's OnFailure=emergency.target does not fire; otherwise it returns
// code. The policy is "continue" only when a configuration that validated
// says so: a configuration that does not validate always means emergency.
func (s *step) fail(o event.Outcome, err error, code int) int {
	word := "failed"
	if o == event.RollbackRefused || o == event.NotInitrd {
		word = "refused"
	}
	s.rec.Record(o, journal.PriErr, fmt.Sprintf("%s: [%s] %v", s.name, word, err), map[string]string{"step": s.name})
	if s.policy == config.PolicyContinue && inInitrd() {
		s.rec.Record(s.skipped, journal.PriCrit,
			fmt.Sprintf("%s: %s, and the boot CONTINUES because the configuration says onFailure=continue: %v", s.name, s.notDone, err),
			map[string]string{"step": s.name})
		return exitOK
	}
	return code
}

// load reads the configuration; an invalid one is exit 2 under the emergency
// policy, whatever it asked for.
func (s *step) load(path string) (*config.Config, string, int) {
	cfg, from, err := config.Load(path)
	if err != nil {
		return nil, from, s.fail(event.ConfigInvalid, fmt.Errorf("%w; nothing was changed, and the boot stops (an invalid configuration never means \"continue\"). "+
			"Fix it, or check it with: blankslate validate --config %s", err, from), exitUsage)
	}
	s.policy = cfg.OnFailure
	return cfg, from, exitOK
}

func (s *step) refuseOutsideInitrd(what string) int {
	return s.fail(event.NotInitrd, fmt.Errorf("not running in an initrd (%s does not exist): will not %s of a running system; nothing was changed. "+
		"This step runs at boot; use --force only on a dataset or tree that nothing is using", initrdRelease, what), exitFailed)
}

// short rounds a duration for a log line: microseconds below 10 ms, else milliseconds.
func short(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
