package testvm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The boot-chain VM dumps the initrd's journal (journalctl -o short-monotonic)
// between these markers just before switch-root.
const (
	journalBegin = "JOURNAL-BEGIN"
	journalEnd   = "JOURNAL-END"
)

// UnitEvent is one of systemd's job messages: "Starting X", "Finished X", …
type UnitEvent struct {
	T    float64 // seconds since boot (monotonic)
	Verb string  // Starting, Finished, Mounting, Mounted, Reached target, Failed to start
	Unit string
}

var unitLine = regexp.MustCompile(`^\[\s*([0-9]+\.[0-9]+)\] \S+ systemd\[1\]: (Starting|Finished|Mounting|Mounted|Reached target|Failed to start) ([^ ]+?)( - .*|\.\.\.)?$`)

// JournalEvents returns the unit events of the journal dump on console.
func JournalEvents(console string) ([]UnitEvent, error) {
	i := strings.Index(console, journalBegin)
	j := strings.Index(console, journalEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("no journal dump (%s … %s) on the console", journalBegin, journalEnd)
	}
	var evs []UnitEvent
	for _, line := range strings.Split(console[i:j], "\n") {
		m := unitLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		t, _ := strconv.ParseFloat(m[1], 64)
		evs = append(evs, UnitEvent{T: t, Verb: m[2], Unit: strings.TrimSuffix(m[3], ".")})
	}
	return evs, nil
}

// When returns the time of the first event with verb for unit.
func When(evs []UnitEvent, verb, unit string) (float64, bool) {
	for _, e := range evs {
		if e.Verb == verb && e.Unit == unit {
			return e.T, true
		}
	}
	return 0, false
}

// Order checks that verbA of unitA happened before verbB of unitB.
func Order(evs []UnitEvent, verbA, unitA, verbB, unitB string) error {
	a, okA := When(evs, verbA, unitA)
	b, okB := When(evs, verbB, unitB)
	switch {
	case !okA:
		return fmt.Errorf("the journal has no %q for %s", verbA, unitA)
	case !okB:
		return fmt.Errorf("the journal has no %q for %s", verbB, unitB)
	case a >= b:
		return fmt.Errorf("%s %s at %.6f s is not before %s %s at %.6f s", verbA, unitA, a, verbB, unitB, b)
	}
	return nil
}

// UnitTime is how long a oneshot unit ran: from Starting to Finished.
func UnitTime(evs []UnitEvent, unit string) (float64, error) {
	s, ok1 := When(evs, "Starting", unit)
	f, ok2 := When(evs, "Finished", unit)
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("the journal lacks Starting/Finished for %s", unit)
	}
	return f - s, nil
}
