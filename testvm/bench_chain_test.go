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
	return contenderInitrd(env, out, shellPersistUnit, SystemdInitrd{
		Extra:         map[string]string{"/usr/bin/bench-persist.sh": shellPersistScript},
		WithoutBinary: !withBinary,
	})
}

// contenderInitrd builds an initrd of s with the shell rollback unit and
// persistUnit in the places of blankslate's two units.
func contenderInitrd(env *Env, out, persistUnit string, s SystemdInitrd) error {
	units, err := os.MkdirTemp(env.WorkDir, "shell-units-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(units)
	for name, body := range map[string]string{
		"blankslate-rollback.service": shellRollbackUnit,
		"blankslate-persist.service":  persistUnit,
	} {
		if err := os.WriteFile(filepath.Join(units, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	s.UnitsDir = units
	return env.BuildSystemdInitrd(out, s)
}

// criticalPath is zfs-import.target reached → initrd-fs.target reached, in ms,
// and the two units' own run times.
func criticalPath(console string) (float64, map[string]string, error) {
	evs, err := JournalEvents(console)
	if err != nil {
		return 0, nil, err
	}
	span, err := Span(evs, "Reached target", "zfs-import.target", "Reached target", "initrd-fs.target")
	if err != nil {
		return 0, nil, err
	}
	extra := map[string]string{}
	for _, u := range []string{"blankslate-rollback.service", "blankslate-persist.service"} {
		if d, err := UnitTime(evs, u); err == nil {
			extra[strings.TrimSuffix(strings.TrimPrefix(u, "blankslate-"), ".service")+"_unit_ms"] = fmt.Sprintf("%.1f", d*1000)
		}
	}
	return span * 1000, extra, nil
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
	d, err := newDiskBooter(t, env, golden, "bench-chain")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// A boot of the busybox initramfs writes each case to the root before the
	// measured boot (boot 1 always: it also installs bstool).
	for i, b := range boots {
		if note := spent("bench-chain", start, budget, i > 0 && boots[i-1].run != b.run, b.run, runs); note != "" {
			notes = append(notes, note)
			break
		}
		if d.n == 0 || b.cas != "none" {
			if _, ok := d.boot(initrd, "bstest.dirty="+b.cas, 15*time.Minute); !ok {
				break
			}
		}
		img := bsImg
		if b.tool == "shell" {
			img = shImg
		}
		console, ok := d.boot(img, chainCmdline, 15*time.Minute)
		if !ok {
			break
		}
		ms, extra, err := criticalPath(console)
		if err != nil {
			t.Errorf("bench-chain boot %d: %v", d.n, err)
			break
		}
		fmt.Printf("BENCH-HOST critical path %s %s run %d: %.0f ms %v\n", b.cas, b.tool, b.run, ms, extra)
		got = append(got, BenchRun{Bench: "critical-path", Case: b.cas, Tool: b.tool, Run: b.run, WallMs: ms, Extra: extra})
	}
	return got, notes, time.Since(start)
}

// diskBooter boots one disk again and again, each boot numbered (bstest.boot)
// and its console copied live to stdout (the runs take a while; the log shows
// how far they got).
type diskBooter struct {
	t              *testing.T
	env            *Env
	disk, scenario string
	n              int // boots so far
}

func newDiskBooter(t *testing.T, env *Env, golden, scenario string) (*diskBooter, error) {
	disk := filepath.Join(env.WorkDir, scenario+".raw")
	if err := CopyDisk(golden, disk); err != nil {
		return nil, err
	}
	return &diskBooter{t: t, env: env, disk: disk, scenario: scenario}, nil
}

// boot boots the disk once more through img; false (and the test failed) when
// the boot or the scenario's verdict failed.
func (d *diskBooter) boot(img, appendArgs string, timeout time.Duration) (string, bool) {
	d.n++
	br, err := d.env.Run(context.Background(), Boot{Initrd: img, Disk: d.disk, Timeout: timeout, Console: os.Stdout,
		Append: fmt.Sprintf("bstest.scenario=%s bstest.boot=%d %s", d.scenario, d.n, appendArgs)})
	if err == nil {
		if ok, why := Verdict(br.Console, d.scenario, d.n); !ok {
			err = fmt.Errorf("%s", why)
		}
	}
	if err == nil && strings.Contains(br.Console, "Initramfs unpacking failed") {
		err = fmt.Errorf("the kernel could not unpack all of %s", img)
	}
	if err != nil {
		d.t.Errorf("%s boot %d: %v", d.scenario, d.n, err)
		return br.Console, false
	}
	return br.Console, true
}

// spent says why a part stops before run (of runs) when its budget is spent;
// whole runs only: a run after the first starts only within the budget.
func spent(part string, start time.Time, budget time.Duration, newRun bool, run, runs int) string {
	if run == 1 || !newRun || budget <= 0 || time.Since(start) <= budget {
		return ""
	}
	note := fmt.Sprintf("%s: stopped before run %d of %d: the budget of %s is spent", part, run, runs, budget)
	fmt.Println(note)
	return note
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
