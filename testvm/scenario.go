package testvm

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// ScenarioResult is one scenario's outcome, for the log and the closing summary.
type ScenarioResult struct {
	Name    string
	Passed  bool
	Why     string
	Took    time.Duration
	Console string
	// Oopsed, if set, is why the first run of the scenario was discarded: the
	// guest kernel oopsed (see RunSteps); FirstConsole is that run's console.
	Oopsed       string
	FirstConsole string
}

func (r ScenarioResult) String() string {
	again := ""
	if r.Oopsed != "" {
		again = fmt.Sprintf("  [second run; the first ended in a guest kernel oops: %s]", r.Oopsed)
	}
	if r.Passed {
		return fmt.Sprintf("scenario %-32s PASS  %5.1f s%s", r.Name, r.Took.Seconds(), again)
	}
	return fmt.Sprintf("scenario %-32s FAIL  %5.1f s  (%s)%s", r.Name, r.Took.Seconds(), r.Why, again)
}

// Step is one boot of a multi-boot scenario.
type Step struct {
	Guest  string // guest scenario run (and whose PASS line is required) in this boot
	Initrd string
	Append string // more kernel command line
	// WantText, if set, replaces the PASS line: this text must appear on the
	// console, and the VM is stopped once it has (an emergency shell never powers off).
	WantText string
	// Check, if set, judges the console further (the journal's unit order, say).
	Check func(console string) error
	// CutOn, if set, makes this boot a power cut: qemu is killed CutAfter after
	// this text appears on the console. The boot passes if the text appeared and
	// no assertion failed before it; the next boot judges what the cut left.
	CutOn    string
	CutAfter time.Duration
	// Timeout of this boot (default five minutes).
	Timeout time.Duration
	// After, if set, judges the disk once the boot has ended and before the next
	// one starts (what the pool looks like after a clean shutdown, say).
	After func(disk string) error
}

// RunScenario boots a fresh copy of golden with the named guest scenario, once per
// boot in boots (1, 2, … on the same copy), and reads the verdict of each.
func (e *Env) RunScenario(ctx context.Context, golden, initrd, name string, boots int) ScenarioResult {
	steps := make([]Step, boots)
	for i := range steps {
		steps[i] = Step{Guest: name, Initrd: initrd}
	}
	return e.RunSteps(ctx, golden, name, steps)
}

// RunSteps boots a fresh copy of golden once per step, in order, on the same disk.
//
// A scenario that failed because the guest kernel oopsed is run once more, from a
// fresh copy: under software emulation the kernel has oopsed, rarely, in OpenZFS's
// write path and in interrupts, in boots that replayed cleanly (docs/RELIABILITY.md,
// "A guest kernel oops"). The result names the oops and keeps the first console; a
// second failure of any kind fails the scenario.
func (e *Env) RunSteps(ctx context.Context, golden, name string, steps []Step) ScenarioResult {
	return againAfterOops(func() ScenarioResult { return e.runSteps(ctx, golden, name, steps) })
}

// againAfterOops calls run, and once more if its result failed in a guest kernel oops.
func againAfterOops(run func() ScenarioResult) ScenarioResult {
	res := run()
	oops := KernelOops(res.Console)
	if res.Passed || oops == "" {
		return res
	}
	again := run()
	again.Took += res.Took
	again.Oopsed = fmt.Sprintf("%s (%s)", oops, res.Why)
	again.FirstConsole = res.Console
	return again
}

// kernelPanic is the line a kernel oops ends on when panic_on_oops is set, or
// when it happens in an interrupt or kills a kernel thread: "Fatal exception" or
// "Fatal exception in interrupt". A panic for any other reason (init exited, say)
// is the scenario's own failure and is not matched.
var kernelPanic = regexp.MustCompile(`Kernel panic - not syncing: Fatal exception[^\n]*`)

// kernelRIP is a register dump's instruction pointer line. The one nearest
// before the panic is the oops's own: a soft lockup reported earlier in the
// boot (common under emulation) prints one too.
var kernelRIP = regexp.MustCompile(`RIP: 0010:(\S+)`)

// KernelOops names the guest kernel oops the console ended in, or is "".
func KernelOops(console string) string {
	at := kernelPanic.FindStringIndex(console)
	if at == nil {
		return ""
	}
	p := console[at[0]:at[1]]
	if rips := kernelRIP.FindAllStringSubmatch(console[:at[0]], -1); rips != nil {
		return fmt.Sprintf("%q at %s", p, rips[len(rips)-1][1])
	}
	return fmt.Sprintf("%q", p)
}

func (e *Env) runSteps(ctx context.Context, golden, name string, steps []Step) ScenarioResult {
	res := ScenarioResult{Name: name}
	disk := filepath.Join(e.WorkDir, name+".raw")
	if err := CopyDisk(golden, disk); err != nil {
		res.Why = err.Error()
		return res
	}
	for i, st := range steps {
		boot := i + 1
		b := Boot{
			Initrd:  st.Initrd,
			Disk:    disk,
			Append:  fmt.Sprintf("bstest.scenario=%s bstest.boot=%d %s", st.Guest, boot, st.Append),
			Timeout: 5 * time.Minute,
			StopOn:  st.WantText,
		}
		if st.Timeout > 0 {
			b.Timeout = st.Timeout
		}
		if st.CutOn != "" {
			b.StopOn, b.StopDelay = st.CutOn, st.CutAfter
		}
		br, err := e.Run(ctx, b)
		res.Took += br.Took
		res.Console += fmt.Sprintf("=== boot %d (%s) ===\n%s", boot, st.Guest, br.Console)
		if why := judge(st, br, err, boot); why != "" {
			res.Why = fmt.Sprintf("boot %d: %s", boot, why)
			return res
		}
		if st.After != nil {
			if err := st.After(disk); err != nil {
				res.Why = fmt.Sprintf("after boot %d: %v", boot, err)
				return res
			}
		}
	}
	res.Passed = true
	return res
}

func judge(st Step, br BootResult, err error, boot int) string {
	if err != nil {
		return err.Error()
	}
	if st.CutOn != "" {
		if !br.Stopped {
			return fmt.Sprintf("the console never showed %q: the cut was not made", st.CutOn)
		}
		if strings.Contains(br.Console, "ASSERT-FAIL") {
			return "assertions failed before the cut"
		}
	} else if st.WantText != "" {
		if !br.Stopped {
			return fmt.Sprintf("the console never showed %q", st.WantText)
		}
	} else if ok, why := Verdict(br.Console, st.Guest, boot); !ok {
		return why
	}
	if st.Check != nil {
		if err := st.Check(br.Console); err != nil {
			return err.Error()
		}
	}
	return ""
}
