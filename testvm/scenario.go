package testvm

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// ScenarioResult is one scenario's outcome, for the log and the closing summary.
type ScenarioResult struct {
	Name    string
	Passed  bool
	Why     string
	Took    time.Duration
	Console string
}

func (r ScenarioResult) String() string {
	if r.Passed {
		return fmt.Sprintf("scenario %-32s PASS  %5.1f s", r.Name, r.Took.Seconds())
	}
	return fmt.Sprintf("scenario %-32s FAIL  %5.1f s  (%s)", r.Name, r.Took.Seconds(), r.Why)
}

// RunScenario boots a fresh copy of golden with the named guest scenario, once per
// boot in boots (1, 2, … on the same copy), and reads the verdict of each.
func (e *Env) RunScenario(ctx context.Context, golden, initrd, name string, boots int) ScenarioResult {
	res := ScenarioResult{Name: name}
	disk := filepath.Join(e.WorkDir, name+".raw")
	if err := CopyDisk(golden, disk); err != nil {
		res.Why = err.Error()
		return res
	}
	for boot := 1; boot <= boots; boot++ {
		br, err := e.Run(ctx, Boot{
			Initrd:  initrd,
			Disk:    disk,
			Append:  fmt.Sprintf("blankslate.scenario=%s blankslate.boot=%d", name, boot),
			Timeout: 5 * time.Minute,
		})
		res.Took += br.Took
		res.Console += br.Console
		if err != nil {
			res.Why = fmt.Sprintf("boot %d: %v", boot, err)
			return res
		}
		if ok, why := Verdict(br.Console, name, boot); !ok {
			res.Why = fmt.Sprintf("boot %d: %s", boot, why)
			return res
		}
	}
	res.Passed = true
	return res
}
