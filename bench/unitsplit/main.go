// Command unitsplit says where blankslate's two units spend their time in the
// initrd critical path, from the console log of `make bench BENCH_PARTS=chain`
// (docs/performance.md, "The critical path, unit by unit").
//
// Each boot's journal (JOURNAL-BEGIN … JOURNAL-END, short-monotonic) is
// followed by the host's BENCH-HOST line naming its case and contender. The
// disk's first boot finds a blank root and is left out; every later one finds
// at least what the boot before it wrote. For each contender it prints the
// median (min–max) of each span over those boots.
//
//	go run ./bench/unitsplit bench-chain.log
package main

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	journalLine = regexp.MustCompile(`^\[\s*([\d.]+)\] \S+ ([^\s\[:]+)(?:\[\d+\])?: (.*)$`)
	hostLine    = regexp.MustCompile(`^BENCH-HOST critical path (\S+) (\S+) run (\d+)`)
	keepWrite   = regexp.MustCompile(`keep: \[(created|renamed)\]`)
	attached    = regexp.MustCompile(`attached \d+ of \d+ entries`)
)

type event struct {
	t        float64
	src, msg string
}

// span is one measured stretch of a boot: its name and its two ends.
type span struct {
	name       string
	from, to   func(event) bool
	blankslate bool // only blankslate's units log these lines
}

func unit(verb, name string) func(event) bool {
	return func(e event) bool { return e.src == "systemd" && strings.HasPrefix(e.msg, verb+" "+name) }
}

func logged(re *regexp.Regexp) func(event) bool {
	return func(e event) bool { return e.src == "blankslate" && re.MatchString(e.msg) }
}

// The shell contender's units carry the same names (testvm/bench_chain_test.go).
var spans = []span{
	{"rollback unit", unit("Starting", "blankslate-rollback.service"), unit("Finished", "blankslate-rollback.service"), false},
	{"- exec to its first journal line", unit("Starting", "blankslate-rollback.service"), logged(regexp.MustCompile(`rollback: \[started\]`)), true},
	{"- reads before the first write", logged(regexp.MustCompile(`rollback: \[started\]`)), logged(keepWrite), true},
	{"- set aside and the rest", logged(keepWrite), unit("Finished", "blankslate-rollback.service"), true},
	{"persist unit", unit("Starting", "blankslate-persist.service"), unit("Finished", "blankslate-persist.service"), false},
	{"- attach the entries", logged(regexp.MustCompile(`persist: \[started\]`)), logged(attached), true},
	{"- save the record", logged(attached), unit("Finished", "blankslate-persist.service"), true},
}

func at(evs []event, match func(event) bool) (float64, bool) {
	for _, e := range evs {
		if match(e) {
			return e.t, true
		}
	}
	return 0, false
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: unitsplit bench-chain.log")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "unitsplit:", err)
		os.Exit(1)
	}
	defer f.Close()
	got := map[string]map[string][]float64{} // contender → span → seconds
	var evs []event
	inJournal, boots := false, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "JOURNAL-BEGIN":
			inJournal, evs = true, nil
		case line == "JOURNAL-END":
			inJournal = false
		case inJournal:
			if m := journalLine.FindStringSubmatch(line); m != nil {
				t, _ := strconv.ParseFloat(m[1], 64)
				evs = append(evs, event{t, m[2], m[3]})
			}
		default:
			m := hostLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			if boots++; boots == 1 { // the disk's first boot: a blank root
				continue
			}
			tool := m[2]
			if got[tool] == nil {
				got[tool] = map[string][]float64{}
			}
			for _, s := range spans {
				from, ok1 := at(evs, s.from)
				to, ok2 := at(evs, s.to)
				if ok1 && ok2 && (tool == "blankslate" || !s.blankslate) {
					got[tool][s.name] = append(got[tool][s.name], to-from)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "unitsplit:", err)
		os.Exit(1)
	}
	for _, tool := range slices.Sorted(maps.Keys(got)) {
		fmt.Printf("%s:\n", tool)
		for _, s := range spans {
			v := got[tool][s.name]
			if len(v) == 0 {
				continue
			}
			slices.Sort(v)
			fmt.Printf("  %-34s %5.2f s (%.2f–%.2f), %d boots\n", s.name, median(v), v[0], v[len(v)-1], len(v))
		}
	}
}

// median of sorted v.
func median(v []float64) float64 {
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
