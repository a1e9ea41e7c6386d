package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Stats are the median, minimum and maximum of one contender in one case.
type Stats struct {
	Bench     string  `json:"bench"`
	Case      string  `json:"case"`
	Tool      string  `json:"tool"`
	N         int     `json:"n"`
	MedianMs  float64 `json:"median_ms"`
	MinMs     float64 `json:"min_ms"`
	MaxMs     float64 `json:"max_ms"`
	MedianRSS int64   `json:"median_rss_kb,omitempty"`
	MaxRSS    int64   `json:"max_rss_kb,omitempty"`
}

// Ratio compares two contenders run by run: each ratio is of two measurements
// of the same run (the same boot, one after the other), then summarised.
type Ratio struct {
	Bench  string  `json:"bench"`
	Case   string  `json:"case"`
	Tool   string  `json:"tool"`
	Versus string  `json:"versus"`
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Goal is one of the goals of the benchmark, judged from the data.
type Goal struct {
	Goal     string `json:"goal"`
	Measured string `json:"measured"`
	Status   string `json:"status"` // met, missed, not measured
}

// Summary is what report adds to results.json.
type Summary struct {
	Stats  []Stats `json:"stats"`
	Ratios []Ratio `json:"ratios"`
	Goals  []Goal  `json:"goals"`
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minMax(xs []float64) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// order lists the distinct values of key over the runs of bench, in the order
// they first appear (the order the guest ran them in).
func order(runs []Run, bench string, key func(Run) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range runs {
		if r.Bench == bench && !seen[key(r)] {
			seen[key(r)] = true
			out = append(out, key(r))
		}
	}
	return out
}

// caseRank is the order of make bench's own case lists (testvm/bench_test.go):
// a part run again for some cases (BENCH_MERGE) puts its new runs after the
// kept ones, and the tables should not change order with it.
var caseRank = map[string]int{"none": 1, "50M": 2, "1G": 3, "20k": 4, "100k": 5, "s10": 6, "s100": 7}

// casesOf lists the cases of bench: the known ones in caseRank's order, the
// others (entry counts) as they first appear, after them.
func casesOf(runs []Run, bench string) []string {
	out := order(runs, bench, func(r Run) string { return r.Case })
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := caseRank[out[i]], caseRank[out[j]]
		return ri != 0 && (rj == 0 || ri < rj)
	})
	return out
}
func toolsOf(runs []Run, bench string) []string {
	return order(runs, bench, func(r Run) string { return r.Tool })
}

func stats(runs []Run, bench, cas, tool string) (Stats, bool) {
	s := Stats{Bench: bench, Case: cas, Tool: tool}
	var ms, rss []float64
	for _, r := range runs {
		if r.Bench == bench && r.Case == cas && r.Tool == tool {
			ms = append(ms, r.WallMs)
			if r.RSSKB > 0 {
				rss = append(rss, float64(r.RSSKB))
			}
		}
	}
	if len(ms) == 0 {
		return s, false
	}
	s.N = len(ms)
	s.MedianMs = median(ms)
	s.MinMs, s.MaxMs = minMax(ms)
	if len(rss) > 0 {
		s.MedianRSS = int64(median(rss))
		_, hi := minMax(rss)
		s.MaxRSS = int64(hi)
	}
	return s, true
}

func ratio(runs []Run, bench, cas, tool, versus string) (Ratio, bool) {
	a, b := map[int]float64{}, map[int]float64{}
	for _, r := range runs {
		if r.Bench != bench || r.Case != cas {
			continue
		}
		switch r.Tool {
		case tool:
			a[r.Run] = r.WallMs
		case versus:
			b[r.Run] = r.WallMs
		}
	}
	var xs []float64
	for run, x := range a {
		if y, ok := b[run]; ok && y > 0 {
			xs = append(xs, x/y)
		}
	}
	if len(xs) == 0 {
		return Ratio{}, false
	}
	lo, hi := minMax(xs)
	return Ratio{Bench: bench, Case: cas, Tool: tool, Versus: versus, N: len(xs), Median: median(xs), Min: lo, Max: hi}, true
}

// comparisons are the ratios the report gives: contender, and what it is
// measured against.
var comparisons = map[string][][2]string{
	"rollback": {{"blankslate", "floor"}, {"blankslate-keep3", "floor"}, {"blankslate-noaudit", "floor"}, {"zfs", "floor"},
		{"blankslate", "zfs"}, {"blankslate-noaudit", "zfs"}},
	"start":          {{"blankslate", "zfs"}},
	"persist":        {{"blankslate", "shell"}},
	"persist-initrd": {{"blankslate", "shell"}, {"blankslate", unitsTool}},
	"critical-path":  {{"blankslate", "shell"}},
}

var benches = []string{"rollback", "start", "persist", "persist-first", "persist-initrd", "check", "critical-path"}

func summarize(f File) *Summary {
	s := &Summary{}
	for _, b := range benches {
		for _, c := range casesOf(f.Runs, b) {
			for _, t := range toolsOf(f.Runs, b) {
				if st, ok := stats(f.Runs, b, c, t); ok {
					s.Stats = append(s.Stats, st)
				}
			}
			for _, cmp := range comparisons[b] {
				if r, ok := ratio(f.Runs, b, c, cmp[0], cmp[1]); ok {
					s.Ratios = append(s.Ratios, r)
				}
			}
		}
	}
	s.Goals = goals(f, s)
	return s
}

func (s *Summary) ratio(bench, cas, tool, versus string) (Ratio, bool) {
	for _, r := range s.Ratios {
		if r.Bench == bench && r.Case == cas && r.Tool == tool && r.Versus == versus {
			return r, true
		}
	}
	return Ratio{}, false
}

func (s *Summary) stat(bench, cas, tool string) (Stats, bool) {
	for _, st := range s.Stats {
		if st.Bench == bench && st.Case == cas && st.Tool == tool {
			return st, true
		}
	}
	return Stats{}, false
}

// String is the ratio as a goal gives it.
func (r Ratio) String() string {
	if r.N == 1 {
		return fmt.Sprintf("%.2f× (one run)", r.Median)
	}
	return fmt.Sprintf("%.2f× (median of %d runs; min %.2f×, max %.2f×)", r.Median, r.N, r.Min, r.Max)
}

func status(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

// worst is the largest median ratio of tool against versus over every case of bench.
func (s *Summary) worst(f File, bench, tool, versus string, limit float64) Goal {
	var parts []string
	worst, at := 0.0, ""
	for _, c := range casesOf(f.Runs, bench) {
		r, ok := s.ratio(bench, c, tool, versus)
		if !ok {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.2f×", caseLabel(bench, c), r.Median))
		if r.Median > worst {
			worst, at = r.Median, c
		}
	}
	if at == "" {
		return Goal{Status: "not measured", Measured: "no runs"}
	}
	return Goal{
		Measured: fmt.Sprintf("worst %.2f× (%s); %s", worst, caseLabel(bench, at), strings.Join(parts, ", ")),
		Status:   status(worst <= limit),
	}
}

// The goals' limits. MB is 10^6 bytes.
const (
	critLimit    = 1.0 // every feature on, no slower than the shell units it replaces
	floorLimit   = 1.3
	cliLimit     = 1.5 // the default rollback step against `zfs rollback -r`
	cliOffLimit  = 1.0 // the same with the audit off
	persistLimit = 1.0
	linearLimit  = 1.5 // the per-entry time at 10,000 entries at most 1.5× that at 1,000
	binaryLimit  = 10_000_000
	rssLimitKB   = 32_000_000 / 1024
	unitsTool    = "units" // systemd .mount units (testvm/bench_units_test.go)
	farBelow     = 0.5     // "far below": at most half the time
)

func goals(f File, s *Summary) []Goal {
	var gs []Goal

	g := s.worst(f, "critical-path", "blankslate", "shell", critLimit)
	g.Goal = fmt.Sprintf("critical path (zfs-import.target → initrd-fs.target) with the defaults ≤ %.1f× the shell units, at every dirty size", critLimit)
	gs = append(gs, g)

	g = s.worst(f, "rollback", "blankslate", "floor", floorLimit)
	g.Goal = fmt.Sprintf("`blankslate rollback` (default configuration) ≤ %.1f× the floor, in every case", floorLimit)
	gs = append(gs, g)

	g = s.worst(f, "rollback", "blankslate", "zfs", cliLimit)
	g.Goal = fmt.Sprintf("`blankslate rollback` (default configuration) ≤ %.1f× `zfs rollback -r`, in every case", cliLimit)
	gs = append(gs, g)

	g = s.worst(f, "rollback", "blankslate-noaudit", "zfs", cliOffLimit)
	g.Goal = fmt.Sprintf("`blankslate rollback` with the audit off ≤ %.1f× `zfs rollback -r`, in every case", cliOffLimit)
	gs = append(gs, g)

	g = Goal{Goal: fmt.Sprintf("persist of 1,000 entries ≤ %.1f× the shell loop", persistLimit), Status: "not measured", Measured: "no runs"}
	if r, ok := s.ratio("persist", "1000", "blankslate", "shell"); ok {
		g.Measured = r.String()
		g.Status = status(r.Median <= persistLimit)
	}
	gs = append(gs, g)

	g = Goal{Goal: fmt.Sprintf("persist of 1,000 entries far below (≤ %.1f×) systemd mount units, in the systemd initrd", farBelow),
		Status: "not measured", Measured: "no runs of persist in the initrd"}
	if r, ok := s.ratio("persist-initrd", "1000", "blankslate", unitsTool); ok {
		g.Measured = r.String()
		g.Status = status(r.Median <= farBelow)
	}
	gs = append(gs, g)

	g = Goal{Goal: fmt.Sprintf("persist linear to 10,000 entries (time per entry at 10,000 ≤ %.1f× that at 1,000)", linearLimit), Status: "not measured", Measured: "no runs at 10,000 entries"}
	a, okA := s.stat("persist", "1000", "blankslate")
	b, okB := s.stat("persist", "10000", "blankslate")
	if okA && okB {
		pa, pb := a.MedianMs/1000, b.MedianMs/10000
		g.Measured = fmt.Sprintf("%.2f ms per entry at 1,000, %.2f ms at 10,000 (%.2f×)", pa, pb, pb/pa)
		g.Status = status(pb/pa <= linearLimit)
	}
	gs = append(gs, g)

	g = Goal{Goal: "binary ≤ 10 MB (10,000,000 bytes)", Status: "not measured", Measured: "no size recorded"}
	if v, ok := f.Meta["binary_bytes"].(float64); ok {
		g.Measured = fmt.Sprintf("%s bytes", thousands(int64(v)))
		g.Status = status(v <= binaryLimit)
	}
	gs = append(gs, g)

	g = Goal{Goal: "peak RSS ≤ 32 MB (31,250 KiB) for rollback, persist and check", Status: "not measured", Measured: "no runs"}
	var worst int64
	var at string
	for _, st := range s.Stats {
		if !strings.HasPrefix(st.Tool, "blankslate") || st.MaxRSS == 0 {
			continue
		}
		if st.MaxRSS > worst {
			worst, at = st.MaxRSS, st.Bench+" "+caseLabel(st.Bench, st.Case)+" ("+st.Tool+")"
		}
	}
	if worst > 0 {
		g.Measured = fmt.Sprintf("largest %s KiB: %s", thousands(worst), at)
		g.Status = status(worst <= rssLimitKB)
	}
	gs = append(gs, g)
	return gs
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// caseLabel names a case for a person.
func caseLabel(bench, c string) string {
	if bench == "critical-path" && c == "none" {
		return "the last boot's writes"
	}
	switch bench {
	case "persist", "persist-first", "persist-initrd":
		if n, err := strconv.ParseInt(c, 10, 64); err == nil {
			return thousands(n) + " entries"
		}
	case "check":
		return c
	case "start":
		return "start, no pool work"
	}
	switch {
	case c == "none":
		return "nothing written"
	case c == "1G":
		return "1 GiB"
	case strings.HasSuffix(c, "M"):
		return strings.TrimSuffix(c, "M") + " MiB"
	case strings.HasSuffix(c, "k"):
		return strings.TrimSuffix(c, "k") + "k files"
	case strings.HasPrefix(c, "s"):
		return "50 MiB + " + strings.TrimPrefix(c, "s") + " snapshots"
	}
	return c
}
