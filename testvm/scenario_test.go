package testvm

import "testing"

func TestKernelOopsNamesOnlyAnOopsThatPanickedTheGuest(t *testing.T) {
	for _, tc := range []struct {
		name, console, want string
	}{
		{
			name: "an oops in an interrupt, with its RIP",
			console: "[    9.346001] RIP: 0010:__kmalloc_node_noprof+0x1a2/0x480\n" +
				"[    9.346429] Kernel panic - not syncing: Fatal exception in interrupt\n",
			want: `"Kernel panic - not syncing: Fatal exception in interrupt" at __kmalloc_node_noprof+0x1a2/0x480`,
		},
		{
			name:    "an oops without a RIP line on the console",
			console: "[    9.3] Kernel panic - not syncing: Fatal exception\n[    9.4] Kernel Offset: 0x4400000\n",
			want:    `"Kernel panic - not syncing: Fatal exception"`,
		},
		{
			name:    "the guest's init exiting is the scenario's own failure",
			console: "[    3.2] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\n",
			want:    "",
		},
		{
			name:    "a clean boot",
			console: "BLANKSLATE-RESULT rollback-twice boot1 PASS\n",
			want:    "",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := KernelOops(tc.console); got != tc.want {
				t.Errorf("KernelOops = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestAScenarioRunsAgainOnlyAfterAGuestKernelOops(t *testing.T) {
	const oops = "RIP: 0010:zio_write_compress+0x10\nKernel panic - not syncing: Fatal exception in interrupt\n"
	pass := ScenarioResult{Passed: true, Console: "BLANKSLATE-RESULT s boot1 PASS\n"}
	fail := ScenarioResult{Why: "boot 1: guest reported FAIL", Console: "BLANKSLATE-RESULT s boot1 FAIL\n"}
	oopsed := ScenarioResult{Why: "boot 2: no result line", Console: oops}
	for _, tc := range []struct {
		name       string
		runs       []ScenarioResult
		wantRuns   int
		wantPassed bool
		wantOopsed bool
	}{
		{"a pass runs once", []ScenarioResult{pass}, 1, true, false},
		{"a failure without an oops runs once", []ScenarioResult{fail}, 1, false, false},
		{"an oops then a pass passes, naming the oops", []ScenarioResult{oopsed, pass}, 2, true, true},
		{"an oops then a failure fails", []ScenarioResult{oopsed, fail}, 2, false, true},
		{"two oopses fail, with no third run", []ScenarioResult{oopsed, oopsed}, 2, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := 0
			got := againAfterOops(func() ScenarioResult {
				runs++
				return tc.runs[runs-1]
			})
			if runs != tc.wantRuns || got.Passed != tc.wantPassed || (got.Oopsed != "") != tc.wantOopsed {
				t.Fatalf("runs %d, passed %v, oopsed %q; want %d, %v, oopsed %v",
					runs, got.Passed, got.Oopsed, tc.wantRuns, tc.wantPassed, tc.wantOopsed)
			}
			if tc.wantOopsed && got.FirstConsole != oops {
				t.Errorf("the first run's console is not kept: %q", got.FirstConsole)
			}
		})
	}
}
