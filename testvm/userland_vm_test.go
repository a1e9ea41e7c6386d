//go:build vm && userland

package testvm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A real systemd userland on the blank root (make userland-test): Debian 12 with
// sshd and journald, its initrd made by its own dracut with the 90blankslate
// module, booted three times, each boot ending in `systemctl poweroff` from inside.

// userlandCmdline boots the ZFS root through the userland's initrd.
const userlandCmdline = "root=zfs:rpool/ROOT/debian rd.shell=0 rd.emergency=poweroff systemd.show_status=1"

// BLANKSLATE_USERLAND_APPEND adds words to the kernel command line of the three
// boots: with rd.systemd.mask=blankslate-persist.service (the rd. form is the one
// systemd-debug-generator honours in the initrd) the initrd has no persist
// unit, and the scenario must fail (docs/dracut.md).
func TestDebianUserlandThreeBoots(t *testing.T) {
	t.Parallel()
	env, busybox, err := userlandEnv()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	cache := os.Getenv("BLANKSLATE_USERLAND_CACHE")
	if cache == "" {
		cache = "/var/tmp/blankslate-userland-cache"
	}
	u, err := UserlandTarball(cache)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("userland %s: %d bytes, built now: %v (%.0f s)\n", u.Tar, u.Size, u.Built, u.Took.Seconds())
	repo, _ := filepath.Abs("..")
	start := time.Now()
	p, err := env.PrepareUserland(u, filepath.Join(env.WorkDir, "userland"), repo)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("userland prepared (make install, dracut in it) in %.0f s\n", time.Since(start).Seconds())
	golden := filepath.Join(env.WorkDir, "userland.raw")
	if br, err := env.makeUserlandDisk(golden, busybox, p); err != nil {
		t.Fatalf("%v\n--- console ---\n%s", err, br.Console)
	}
	step := Step{Guest: "debian-userland", Initrd: p.Initrd, Append: userlandCmdline + " " + os.Getenv("BLANKSLATE_USERLAND_APPEND"),
		Timeout: 12 * time.Minute, Check: checkUserlandInitrdOrder, After: noIntentLogLeft}
	res := env.RunSteps(context.Background(), golden, "debian-userland", []Step{step, step, step})
	if res.Passed {
		if err := sameAcrossBoots(res.Console, "hostkey", "machine-id"); err != nil {
			res.Passed, res.Why = false, err.Error()
		}
	}
	for _, l := range evidenceLines(res.Console) {
		fmt.Println(l)
	}
	report(t, res)
}

// noIntentLogLeft: after the clean `systemctl poweroff`, no dataset's intent log
// holds a record, so the next import replays none (read by zdb on the host).
func noIntentLogLeft(disk string) error {
	logs, err := PendingIntentLogs(disk, 2, "rpool")
	if err != nil {
		return err
	}
	if len(logs) > 0 {
		return fmt.Errorf("the shutdown left intent-log records the next import would replay: %+v", logs)
	}
	fmt.Println("evidence: intent-log after poweroff: no dataset holds a record; the next import replays nothing")
	return nil
}

// userlandEnv is setupVM without the seed's golden disk: the busybox initramfs
// that lays the userland out, and the guest kernel.
func userlandEnv() (*Env, string, error) {
	bin := os.Getenv("BLANKSLATE_BIN")
	if bin == "" {
		bin, _ = filepath.Abs("../bin/blankslate")
	}
	work := os.Getenv("BLANKSLATE_VM_WORK")
	if work == "" {
		work = "/var/tmp/blankslate-vm"
	}
	env, err := NewEnv(bin, work)
	if err != nil {
		return nil, "", err
	}
	initrd := filepath.Join(work, "initramfs-userland.cpio")
	return env, initrd, env.BuildInitramfs(initrd, "guest", nil)
}

// checkUserlandInitrdOrder: the rollback finished before sysroot.mount started,
// persist before initrd-fs.target, in this boot's journal.
func checkUserlandInitrdOrder(console string) error {
	evs, err := JournalEvents(console)
	if err != nil {
		return err
	}
	dump, _ := section(console, journalBegin, journalEnd)
	return errors.Join(
		NoOrderingCycle(dump),
		Order(evs, "Finished", "blankslate-rollback.service", "Mounting", "sysroot.mount"),
		Order(evs, "Finished", "blankslate-persist.service", "Reached target", "initrd-fs.target"),
	)
}

// evidenceLine finds an EVIDENCE line even where the serial getty's "vm login: "
// prompt was printed first on the same console line.
var evidenceLine = regexp.MustCompile(`(?m)(?:^|\s)EVIDENCE (\S+) (.*)$`)

func evidenceLines(console string) []string {
	var out []string
	for _, m := range evidenceLine.FindAllStringSubmatch(console, -1) {
		out = append(out, "evidence: "+m[1]+" "+strings.TrimSpace(m[2]))
	}
	return out
}

// sameAcrossBoots fails unless every boot printed the same value for each key.
func sameAcrossBoots(console string, keys ...string) error {
	var errs []error
	for _, k := range keys {
		seen := map[string]bool{}
		for _, m := range evidenceLine.FindAllStringSubmatch(console, -1) {
			if m[1] == k {
				seen[strings.TrimSpace(m[2])] = true
			}
		}
		if len(seen) != 1 {
			errs = append(errs, fmt.Errorf("%s differs across boots (or is missing): %v", k, seen))
		}
	}
	return errors.Join(errs...)
}

// makeUserlandDisk: partition 2 for the pool, 3 and 4 hold the root's and the
// persistent root's tars (written here at fixed offsets), and the
// userland-make-disk scenario lays them out and takes @start.
func (e *Env) makeUserlandDisk(path, initrd string, p PreparedUserland) (BootResult, error) {
	const poolMiB = 3072
	rootMiB, err := mibOf(p.RootTar)
	if err != nil {
		return BootResult{}, err
	}
	persistMiB, err := mibOf(p.PersistTar)
	if err != nil {
		return BootResult{}, err
	}
	rootAt := 1 + 32 + poolMiB
	persistAt := rootAt + rootMiB
	size := int64(persistAt+persistMiB+1) << 20
	_ = os.Remove(path)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		return BootResult{}, err
	}
	if err := os.Truncate(path, size); err != nil {
		return BootResult{}, err
	}
	if err := run("sgdisk", "-n1:1M:+32M", "-t1:EF00", fmt.Sprintf("-n2:33M:+%dM", poolMiB), "-t2:BF00",
		fmt.Sprintf("-n3:%dM:+%dM", rootAt, rootMiB), fmt.Sprintf("-n4:%dM:+%dM", persistAt, persistMiB), path); err != nil {
		return BootResult{}, err
	}
	for tarball, at := range map[string]int{p.RootTar: rootAt, p.PersistTar: persistAt} {
		if err := run("dd", "if="+tarball, "of="+path, "bs=1M", fmt.Sprintf("seek=%d", at), "conv=notrunc,sparse"); err != nil {
			return BootResult{}, err
		}
	}
	res, err := e.Run(context.Background(), Boot{Initrd: initrd, Disk: path, Append: "bstest.scenario=userland-make-disk", Timeout: 15 * time.Minute})
	if err != nil {
		return res, err
	}
	if ok, why := Verdict(res.Console, "userland-make-disk", 1); !ok {
		return res, fmt.Errorf("userland-make-disk: %s", why)
	}
	fmt.Printf("userland disk laid out in %.0f s\n", res.Took.Seconds())
	return res, nil
}

func mibOf(path string) (int, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return int(st.Size()>>20) + 2, nil
}
