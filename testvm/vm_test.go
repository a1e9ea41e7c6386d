//go:build vm

package testvm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
)

// The VM tests need root, qemu and the 6.12 kernel with ZFS (testvm/install-deps.sh)
// and the static binary (make build). They run with `go test -tags vm ./testvm`.

var (
	vmOnce   sync.Once
	vmEnv    *Env
	vmInitrd string
	vmGolden string
	vmErr    error
	results  = struct {
		sync.Mutex
		list []ScenarioResult
	}{}
)

func setupVM() (*Env, string, string, error) {
	vmOnce.Do(func() {
		bin := os.Getenv("BLANKSLATE_BIN")
		if bin == "" {
			bin, _ = filepath.Abs("../bin/blankslate")
		}
		work := os.Getenv("BLANKSLATE_VM_WORK")
		if work == "" {
			work = "/var/tmp/blankslate-vm"
		}
		if vmEnv, vmErr = NewEnv(bin, work); vmErr != nil {
			return
		}
		if vmEnv.FaultBinary, vmErr = faultBinary(); vmErr != nil {
			return
		}
		vmInitrd = filepath.Join(work, "initramfs.cpio")
		if vmErr = vmEnv.BuildInitramfs(vmInitrd, "guest", nil); vmErr != nil {
			return
		}
		vmGolden = filepath.Join(work, "golden.raw")
		var br BootResult
		br, vmErr = vmEnv.MakeDisk(context.Background(), vmGolden, vmInitrd)
		if vmErr != nil {
			vmErr = fmt.Errorf("%w\n--- console ---\n%s", vmErr, br.Console)
			return
		}
		fmt.Printf("golden disk with the seed layout made in %.1f s\n", br.Took.Seconds())
	})
	return vmEnv, vmInitrd, vmGolden, vmErr
}

// runScenarios boots each named scenario on its own copy of the golden disk, the
// scenarios and the test itself beside the other parallel tests: each VM takes one
// core, and make vm-test keeps VM_PARALLEL of them busy.
func runScenarios(t *testing.T, boots int, names ...string) {
	t.Parallel()
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			report(t, env.RunScenario(context.Background(), golden, initrd, name, boots))
		})
	}
}

// report records a scenario's result for the summary, prints it, and fails t
// with the console when it did not pass.
func report(t *testing.T, r ScenarioResult) {
	results.Lock()
	results.list = append(results.list, r)
	results.Unlock()
	fmt.Println(r)
	if r.Oopsed != "" {
		fmt.Printf("--- console of %s's first run, which ended in a guest kernel oops ---\n%s\n", r.Name, r.FirstConsole)
	}
	if os.Getenv("BLANKSLATE_VM_VERBOSE") != "" {
		fmt.Printf("--- console of %s ---\n%s\n", r.Name, r.Console)
	}
	if !r.Passed {
		t.Errorf("%s: %s\n--- console ---\n%s", r.Name, r.Why, r.Console)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	results.Lock()
	sort.Slice(results.list, func(i, j int) bool { return results.list[i].Name < results.list[j].Name })
	if len(results.list) > 0 {
		fmt.Println("== VM scenarios ==")
		for _, r := range results.list {
			fmt.Println(r)
		}
	}
	results.Unlock()
	os.Exit(code)
}

func TestRollbackOnRealZFS(t *testing.T) {
	runScenarios(t, 1,
		"rollback-dirty-root",
		"rollback-twice",
		"rollback-newer-snapshots",
		"rollback-refuses-clone",
		"rollback-missing-snapshot",
		"rollback-bad-config",
		"rollback-refuses-unsafe",
		"rollback-no-zfs-module",
	)
}

func TestPersistOnRealZFS(t *testing.T) {
	runScenarios(t, 1, "persist-1000-entries", "persist-refuses-unmounted-root")
}

func TestPersistAcrossTwoBoots(t *testing.T) {
	runScenarios(t, 2, "persist-two-boots")
}

// faultBinary is the fault-injection build the power-cut scenarios run
// (BLANKSLATE_FAULT_BIN, default ../bin/blankslate-faultinject); `make
// vm-test` builds it. Without it the VM tests fail rather than skip them.
func faultBinary() (string, error) {
	bin := os.Getenv("BLANKSLATE_FAULT_BIN")
	if bin == "" {
		bin, _ = filepath.Abs("../bin/blankslate-faultinject")
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		return "", fmt.Errorf("fault-injection binary %q not found: run `make vm-test` (it builds it with -tags faultinject)", bin)
	}
	return bin, nil
}
