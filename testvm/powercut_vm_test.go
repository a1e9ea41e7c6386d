//go:build vm

package testvm

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Power cuts at random moments, seeded and replayable. Each cut is one disk and
// two boots of the busybox initramfs (guest scenario power-cut): boot 1 prepares
// the pool and runs one boot step, and is cut short either by the host killing
// qemu at a random delay after the guest printed CUT-ARMED, or by the
// fault-injection build powering the guest off without a sync right after a
// randomly chosen boot step; boot 2 must converge (the scenario says to what).
//
// BLANKSLATE_CUTS is the number of cuts of each kind (default 2: the short suite
// of `make test`; `make soak` runs 20). BLANKSLATE_CUT_SEED replays a run: the
// seed is printed first, and every cut's own line names its kind, method and
// moment.

// cutKind is a boot step that a cut interrupts.
type cutKind struct {
	name string
	// window is how long after CUT-ARMED the host may kill qemu: about what the
	// step takes under emulation (rollback and keep under 1 s, persist of 29
	// entries under 3 s), so that most kills land inside it.
	window time.Duration
	// steps are the boot steps the fault-injection build can cut after.
	steps []string
}

var cutKinds = []cutKind{
	// The audit, the destroying of newer snapshots and bookmarks in one batch, and
	// the rollback ioctl.
	{"rollback", 1500 * time.Millisecond, []string{"repair", "audit", "rollback"}},
	// Keeping the root (rename, clone), and the audit record made first. With
	// the default audit settings the promotion, the seal and the prune run
	// after boot: the kind finish below cuts them.
	{"keep", 1500 * time.Millisecond, []string{"audit", "rename", "clone", "keep", "rollback"}},
	// Creating 29 copies with owners and modes, mounting them, saving the record.
	{"persist", 3500 * time.Millisecond, []string{"attach", "save"}},
	// The default audit settings: setting the dirty root aside for the listing
	// after boot (rename, clone; the promotion and the seal wait for the
	// listing), then the rollback, which has nothing left to do. New kinds go
	// last, so that a seed replays the cuts of the older kinds.
	{"aside", 1500 * time.Millisecond, []string{"audit", "rename", "clone", "keep", "rollback"}},
	// The listing after boot (blankslate audit): listing the root set aside,
	// saving its record over the pending one, destroying the root.
	{"listing", 3000 * time.Millisecond, []string{"list", "save", "prune"}},
	// The running system between the boot's clone and the listing's promotion:
	// the boot left the root a clone of the root it set aside, and blankslate
	// audit is cut before it promotes (finishing), between the promotion and
	// the seal (promote), or after the listing.
	{"finish", 2000 * time.Millisecond, []string{"finishing", "promote", "list"}},
}

// cutPlan is one cut, derived from the run's seed alone.
type cutPlan struct {
	kind  cutKind
	n     int
	step  string        // the fault-injection step; "" for a kill by the host
	delay time.Duration // the kill's delay after CUT-ARMED
}

func (c cutPlan) name() string { return fmt.Sprintf("cut-%s-%02d", c.kind.name, c.n) }

func (c cutPlan) String() string {
	if c.step != "" {
		return fmt.Sprintf("%s: the guest powers off without a sync after the %s step", c.name(), c.step)
	}
	return fmt.Sprintf("%s: qemu killed %d ms after CUT-ARMED", c.name(), c.delay.Milliseconds())
}

// planCuts draws count cuts of each kind from seed: half of them (alternating)
// kills at a uniform random delay within the kind's window, half power-offs
// after a uniformly chosen step. Cut n of a kind is drawn from the seed, the
// kind and n alone, so a replay with another count plans it the same.
func planCuts(seed int64, count int) []cutPlan {
	var plans []cutPlan
	for ki, k := range cutKinds {
		for i := 1; i <= count; i++ {
			rng := rand.New(rand.NewSource(seed ^ int64(ki+1)<<48 ^ int64(i)<<32))
			p := cutPlan{kind: k, n: i}
			if i%2 == 0 {
				p.step = k.steps[rng.Intn(len(k.steps))]
			} else {
				p.delay = time.Duration(rng.Int63n(int64(k.window)))
			}
			plans = append(plans, p)
		}
	}
	return plans
}

// envInt reads a positive count from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, s)
	}
	return n
}

// runSeed is BLANKSLATE_<what>_SEED when set (a replay), else a fresh seed;
// it is printed either way.
func runSeed(t *testing.T, what string) int64 {
	name := "BLANKSLATE_" + what + "_SEED"
	seed := time.Now().UnixNano()
	if s := os.Getenv(name); s != "" {
		var err error
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: want a number", name, s)
		}
	}
	fmt.Printf("%s seed %d (replay with %s=%d)\n", strings.ToLower(what), seed, name, seed)
	t.Logf("seed %d (replay with %s=%d)", seed, name, seed)
	return seed
}

var cutLanded = struct {
	sync.Mutex
	during, after, steps int
}{}

func TestPowerCutsConverge(t *testing.T) {
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	seed := runSeed(t, "CUT")
	plans := planCuts(seed, envInt(t, "BLANKSLATE_CUTS", 2))
	t.Cleanup(func() {
		cutLanded.Lock()
		defer cutLanded.Unlock()
		fmt.Printf("power cuts (seed %d): %d by the fault-injection build after a step; %d kills by the host, %d inside the step, %d after it ended\n",
			seed, cutLanded.steps, cutLanded.during+cutLanded.after, cutLanded.during, cutLanded.after)
	})
	for _, p := range plans {
		t.Run(p.name(), func(t *testing.T) {
			t.Parallel()
			fmt.Println(p)
			cut := Step{Guest: "power-cut", Initrd: initrd, Append: "bstest.cut=" + p.kind.name,
				CutOn: "CUT-ARMED", CutAfter: p.delay}
			if p.step != "" {
				cut.Append += " bstest.cutstep=" + p.step
				cut.CutOn = "fault injection: power cut after the " + p.step + " step"
				cut.CutAfter = 0
			}
			r := env.RunSteps(context.Background(), golden, p.name(),
				[]Step{cut, {Guest: "power-cut", Initrd: initrd, Append: "bstest.cut=" + p.kind.name}})
			countLanding(p, r.Console)
			r.Name = fmt.Sprintf("%s (seed %d)", p.name(), seed)
			report(t, r)
		})
	}
}

// countLanding records whether a kill came while the step still ran: the guest
// prints CUT-COMMAND-DONE when the step returned before the kill.
func countLanding(p cutPlan, console string) {
	cutLanded.Lock()
	defer cutLanded.Unlock()
	boot1, _, _ := strings.Cut(console, "=== boot 2")
	switch {
	case p.step != "":
		cutLanded.steps++
	case strings.Contains(boot1, "CUT-COMMAND-DONE"):
		cutLanded.after++
	default:
		cutLanded.during++
	}
}

// A seed replays its cuts: the same plans for the same seed, cut n of a kind
// the same whatever the count, both methods used, every kill inside its window.
func TestCutPlansReplayFromTheSeed(t *testing.T) {
	a, b, c := planCuts(42, 20), planCuts(42, 20), planCuts(42, 3)
	for i := range a {
		if a[i].String() != b[i].String() {
			t.Fatalf("seed 42 planned %q, then %q", a[i], b[i])
		}
	}
	for _, p := range c {
		if q := a[p.n-1+20*kindIndex(p.kind.name)]; q.String() != p.String() {
			t.Errorf("with 3 cuts %q, with 20 %q", p, q)
		}
	}
	steps, kills := 0, 0
	for _, p := range a {
		if p.step != "" {
			steps++
		} else if p.delay < 0 || p.delay >= p.kind.window {
			t.Errorf("%s: delay outside the window", p)
		} else {
			kills++
		}
	}
	if want := 10 * len(cutKinds); steps != want || kills != want {
		t.Errorf("%d power-offs after a step and %d kills, want %d and %d", steps, kills, want, want)
	}
	if planCuts(43, 20)[0].String() == a[0].String() && planCuts(43, 20)[2].String() == a[2].String() {
		t.Error("another seed planned the same cuts")
	}
}

func kindIndex(name string) int {
	for i, k := range cutKinds {
		if k.name == name {
			return i
		}
	}
	return -1
}
