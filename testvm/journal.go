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

// In emergency mode the boot-chain VM prints, between these markers, what is
// mounted (/proc/self/mountinfo) and the journal so far, a few seconds after
// emergency.target was reached (the test unit blankslate-test-emergency.service).
const (
	emergencyBegin = "EMERGENCY-BEGIN"
	emergencyEnd   = "EMERGENCY-END"
)

// section is the console between the markers begin and end.
func section(console, begin, end string) (string, error) {
	i := strings.Index(console, begin)
	if i < 0 {
		return "", fmt.Errorf("no dump (%s … %s) on the console", begin, end)
	}
	j := strings.Index(console[i:], end)
	if j < 0 {
		return "", fmt.Errorf("no dump (%s … %s) on the console", begin, end)
	}
	return console[i+len(begin) : i+j], nil
}

// JournalEvents returns the unit events of the journal dump on console.
func JournalEvents(console string) ([]UnitEvent, error) {
	dump, err := section(console, journalBegin, journalEnd)
	if err != nil {
		return nil, fmt.Errorf("no journal dump: %w", err)
	}
	return unitEvents(dump), nil
}

// NoOrderingCycle fails when systemd reported an ordering cycle in the journal
// dump: "Found ordering cycle on …", "Job … deleted to break ordering cycle
// starting with …". systemd then drops a job and boots on, so only the journal
// shows that an ordering did not hold.
func NoOrderingCycle(dump string) error {
	var bad []string
	for _, line := range strings.Split(dump, "\n") {
		if strings.Contains(strings.ToLower(line), "ordering cycle") {
			bad = append(bad, strings.TrimSpace(line))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("systemd reported an ordering cycle:\n%s", strings.Join(bad, "\n"))
	}
	return nil
}

// MountedBelow returns the mount points in a /proc/self/mountinfo text that
// are dir or beneath it.
func MountedBelow(mountinfo, dir string) []string {
	var got []string
	for _, line := range strings.Split(mountinfo, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[4], "/") {
			continue
		}
		if f[4] == dir || strings.HasPrefix(f[4], dir+"/") {
			got = append(got, f[4])
		}
	}
	return got
}

func unitEvents(dump string) []UnitEvent {
	var evs []UnitEvent
	for _, line := range strings.Split(dump, "\n") {
		m := unitLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		t, _ := strconv.ParseFloat(m[1], 64)
		evs = append(evs, UnitEvent{T: t, Verb: m[2], Unit: strings.TrimSuffix(m[3], ".")})
	}
	return evs
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

// Span is the time in seconds from the first fromVerb of fromUnit to the
// first toVerb of toUnit.
func Span(evs []UnitEvent, fromVerb, fromUnit, toVerb, toUnit string) (float64, error) {
	a, ok1 := When(evs, fromVerb, fromUnit)
	b, ok2 := When(evs, toVerb, toUnit)
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("the journal lacks %s %s or %s %s", fromVerb, fromUnit, toVerb, toUnit)
	}
	return b - a, nil
}

// UnitTime is how long a oneshot unit ran: from Starting to Finished.
func UnitTime(evs []UnitEvent, unit string) (float64, error) {
	return Span(evs, "Starting", unit, "Finished", unit)
}

// Ended returns when unit's job ended: its first "Finished" or "Failed to start".
// A resume attempt that finds no image may end either way; both are an end.
func Ended(evs []UnitEvent, unit string) (float64, bool) {
	for _, e := range evs {
		if e.Unit == unit && (e.Verb == "Finished" || e.Verb == "Failed to start") {
			return e.T, true
		}
	}
	return 0, false
}

// EndedBefore checks that unitA's job ended before verbB of unitB.
func EndedBefore(evs []UnitEvent, unitA, verbB, unitB string) error {
	a, okA := Ended(evs, unitA)
	b, okB := When(evs, verbB, unitB)
	switch {
	case !okA:
		return fmt.Errorf("the journal has no end (Finished or Failed to start) of %s", unitA)
	case !okB:
		return fmt.Errorf("the journal has no %q for %s", verbB, unitB)
	case a >= b:
		return fmt.Errorf("%s ended at %.6f s, not before %s %s at %.6f s", unitA, a, verbB, unitB, b)
	}
	return nil
}
