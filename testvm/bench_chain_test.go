//go:build vm && bench

package testvm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The initrd critical path: the same disk booted through two dracut systemd
// initrds, alternately: blankslate's two units from systemd/ with the built-in
// default configuration, and the shell units people write today (a oneshot
// `zfs rollback -r`, a script of `mkdir -p` and `mount --bind` for the same
// five entries). Each boot's journal gives zfs-import.target reached →
// initrd-fs.target reached; a boot of the busybox initramfs before it writes
// what it erases.

// shellRollbackUnit is the one-line rollback unit (docs/initrd.md, "the
// rollback unit people write today"), ordered and enabled as blankslate's is.
const shellRollbackUnit = `[Unit]
Description=shell: zfs rollback -r rpool/nixos/empty@start
ConditionPathExists=/etc/initrd-release
DefaultDependencies=no
After=zfs-import.target local-fs-pre.target
Before=sysroot.mount initrd-root-fs.target
OnFailure=emergency.target
OnFailureJobMode=isolate
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'zfs rollback -r rpool/nixos/empty@start'
StandardOutput=journal+console
[Install]
WantedBy=initrd.target
RequiredBy=sysroot.mount
`

// shellPersistUnit runs shellPersistScript where blankslate-persist runs.
const shellPersistUnit = `[Unit]
Description=shell: mount --bind the persistent paths beneath /sysroot
ConditionPathExists=/etc/initrd-release
DefaultDependencies=no
RequiresMountsFor=/sysroot/persist
After=initrd-root-fs.target
Before=initrd-fs.target initrd-switch-root.target
OnFailure=emergency.target
OnFailureJobMode=isolate
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh /usr/bin/bench-persist.sh
StandardOutput=journal+console
[Install]
RequiredBy=initrd-fs.target
`

// shellPersistScript attaches the built-in default configuration's five entries.
const shellPersistScript = `set -e
for p in /etc/nixos /var/log /var/lib; do
	mkdir -p /sysroot/persist$p /sysroot$p
	mount --bind /sysroot/persist$p /sysroot$p
done
mkdir -p /sysroot/persist/etc/ssh /sysroot/etc
ln -sfn /persist/etc/ssh /sysroot/etc/ssh
[ -e /sysroot/persist/etc/machine-id ] || : >/sysroot/persist/etc/machine-id
ln -sfn /persist/etc/machine-id /sysroot/etc/machine-id
`

// shellInitrd builds the shell-unit initrd: the test harness's units with the
// shell units under the names blankslate's units have (so the harness's
// ordering and enabling apply unchanged), and without the blankslate binary.
func shellInitrd(env *Env, out string, withBinary bool) error {
	units, err := os.MkdirTemp(env.WorkDir, "shell-units-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(units)
	for name, body := range map[string]string{
		"blankslate-rollback.service": shellRollbackUnit,
		"blankslate-persist.service":  shellPersistUnit,
	} {
		if err := os.WriteFile(filepath.Join(units, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return env.BuildSystemdInitrd(out, SystemdInitrd{
		UnitsDir:      units,
		Extra:         map[string]string{"/usr/bin/bench-persist.sh": shellPersistScript},
		WithoutBinary: !withBinary,
	})
}

// criticalPath is zfs-import.target reached → initrd-fs.target reached, in ms,
// and the two units' own run times.
func criticalPath(console string) (float64, map[string]string, error) {
	evs, err := JournalEvents(console)
	if err != nil {
		return 0, nil, err
	}
	a, ok1 := When(evs, "Reached target", "zfs-import.target")
	b, ok2 := When(evs, "Reached target", "initrd-fs.target")
	if !ok1 || !ok2 {
		return 0, nil, fmt.Errorf("the journal lacks zfs-import.target or initrd-fs.target reached")
	}
	extra := map[string]string{}
	for _, u := range []string{"blankslate-rollback.service", "blankslate-persist.service"} {
		if d, err := UnitTime(evs, u); err == nil {
			extra[strings.TrimSuffix(strings.TrimPrefix(u, "blankslate-"), ".service")+"_unit_ms"] = fmt.Sprintf("%.1f", d*1000)
		}
	}
	return (b - a) * 1000, extra, nil
}

func benchChain(t *testing.T, env *Env, initrd, golden string, runs int, cases []string, budget time.Duration) (got []BenchRun, notes []string, took time.Duration) {
	bsImg := filepath.Join(env.WorkDir, "bench-dracut-blankslate.img")
	if err := env.BuildSystemdInitrd(bsImg, SystemdInitrd{UnitsDir: "../systemd"}); err != nil {
		t.Fatal(err)
	}
	shImg := filepath.Join(env.WorkDir, "bench-dracut-shell.img")
	if err := shellInitrd(env, shImg, false); err != nil {
		t.Fatal(err)
	}
	type boot struct {
		cas, tool string
		run       int
	}
	var boots []boot
	for r := 1; r <= runs; r++ {
		for _, c := range cases {
			order := []string{"blankslate", "shell"}
			if r%2 == 0 {
				order = []string{"shell", "blankslate"}
			}
			for _, tool := range order {
				boots = append(boots, boot{c, tool, r})
			}
		}
	}
	disk := filepath.Join(env.WorkDir, "bench-chain.raw")
	if err := CopyDisk(golden, disk); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// runBoot runs one boot of the chain, its console copied live to stdout.
	runBoot := func(n int, img, appendArgs string) (string, bool) {
		br, err := env.Run(context.Background(), Boot{Initrd: img, Disk: disk, Timeout: 15 * time.Minute, Console: os.Stdout,
			Append: fmt.Sprintf("bstest.scenario=bench-chain bstest.boot=%d %s", n, appendArgs)})
		if err == nil {
			if ok, why := Verdict(br.Console, "bench-chain", n); !ok {
				err = fmt.Errorf("%s", why)
			}
		}
		if err != nil {
			t.Errorf("bench-chain boot %d: %v", n, err)
			return br.Console, false
		}
		return br.Console, true
	}
	// A boot of the busybox initramfs writes each case to the root before the
	// measured boot (boot 1 always: it also installs bstool).
	n := 0
	for i, b := range boots {
		// Whole runs only: a run after the first starts only within the budget.
		if b.run > 1 && budget > 0 && time.Since(start) > budget && boots[i-1].run != b.run {
			note := fmt.Sprintf("bench-chain: stopped before run %d of %d: the budget of %s is spent", b.run, runs, budget)
			fmt.Println(note)
			notes = append(notes, note)
			break
		}
		if n == 0 || b.cas != "none" {
			n++
			if _, ok := runBoot(n, initrd, "bstest.dirty="+b.cas); !ok {
				break
			}
		}
		img := bsImg
		if b.tool == "shell" {
			img = shImg
		}
		n++
		console, ok := runBoot(n, img, chainCmdline)
		if !ok {
			break
		}
		ms, extra, err := criticalPath(console)
		if err != nil {
			t.Errorf("bench-chain boot %d: %v", n, err)
			break
		}
		fmt.Printf("BENCH-HOST critical path %s %s run %d: %.0f ms %v\n", b.cas, b.tool, b.run, ms, extra)
		got = append(got, BenchRun{Bench: "critical-path", Case: b.cas, Tool: b.tool, Run: b.run, WallMs: ms, Extra: extra})
	}
	return got, notes, time.Since(start)
}

// benchSizes: the binary, and the bytes it adds to a compressed initrd (the
// shell-unit initrd built by dracut with its default compressor, with and
// without the binary).
func benchSizes(t *testing.T, env *Env) map[string]any {
	with := filepath.Join(env.WorkDir, "bench-size-with.img")
	without := filepath.Join(env.WorkDir, "bench-size-without.img")
	if err := shellInitrd(env, with, true); err != nil {
		t.Fatal(err)
	}
	if err := shellInitrd(env, without, false); err != nil {
		t.Fatal(err)
	}
	a, err := os.Stat(with)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.Stat(without)
	if err != nil {
		t.Fatal(err)
	}
	kind, _ := exec.Command("file", "-b", without).Output()
	return map[string]any{
		"initrd_with_binary_bytes":    a.Size(),
		"initrd_without_binary_bytes": b.Size(),
		"initrd_compression":          strings.TrimSpace(string(kind)),
	}
}
