package testvm

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Demo is `make demo`, and the scenario TestDemo runs in `make test`: the seed's
// disk, a real systemd initrd made by dracut with blankslate and its units, and
// two boots under qemu. Boot 1 writes persisted state and junk; boot 2 resets
// the root, attaches the persisted paths, switch-roots with the blank root at
// `/`, and runs `blankslate audit` there, as blankslate-audit.service does,
// asserting that the record names the junk (testvm/guest/scenarios/demo.sh).
// Everything it makes is in work, which no other run may share. out gets the
// narration; guestDir is testvm/guest.
func (e *Env) Demo(ctx context.Context, work, guestDir, unitsDir string, out io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(out, "==> "+format+"\n", args...) }
	say("guest kernel %s with OpenZFS 2.3; blankslate binary %s", e.KVer, e.Binary)
	busybox := filepath.Join(work, "initramfs.cpio")
	if err := e.BuildInitramfs(busybox, guestDir, nil); err != nil {
		return err
	}
	golden := filepath.Join(work, "disk.raw")
	say("creating a 1 GiB disk with the seed layout: rpool, rpool/nixos/{empty,nix,home,persist}, rpool/docker, empty@start")
	if br, err := e.MakeDisk(ctx, golden, busybox); err != nil {
		return fmt.Errorf("%w\n%s", err, br.Console)
	}
	initrd := filepath.Join(work, "initrd-systemd.img")
	say("building a systemd initrd with dracut: zfs, blankslate, systemd/blankslate-{rollback,persist}.service")
	if err := e.BuildSystemdInitrd(initrd, SystemdInitrd{UnitsDir: unitsDir}); err != nil {
		return err
	}
	for boot := 1; boot <= 2; boot++ {
		say("boot %d (about a minute under emulation)…", boot)
		r, err := e.Run(ctx, Boot{Initrd: initrd, Disk: golden, Timeout: 5 * time.Minute,
			Append: fmt.Sprintf("root=zfs:rpool/nixos/empty init=/nix/blankslate-test/stage2 rd.shell=0 rd.emergency=poweroff bstest.scenario=demo bstest.boot=%d", boot)})
		log := filepath.Join(work, fmt.Sprintf("boot-%d.console", boot))
		if werr := os.WriteFile(log, []byte(r.Console), 0o644); werr != nil && err == nil {
			err = werr
		}
		if err != nil {
			return fmt.Errorf("boot %d: %w\n%s", boot, err, r.Console)
		}
		narrate(out, r.Console)
		say("boot %d's whole console: %s", boot, log)
		if ok, why := Verdict(r.Console, "demo", boot); !ok {
			return fmt.Errorf("boot %d: %s\n%s", boot, why, r.Console)
		}
	}
	say("done: the root was blank again, the declared paths survived, and the record names what was erased")
	return nil
}

// narrate prints blankslate's own log lines, the unit timeline and the guest's
// DEMO lines from one boot's console.
func narrate(out io.Writer, console string) {
	for _, line := range strings.Split(console, "\n") {
		if i := strings.Index(line, "blankslate: "); i >= 0 && strings.Contains(line, "]: blankslate: ") && !strings.Contains(line, "localhost") {
			fmt.Fprintln(out, "    "+trimFields(line[i:]))
		}
	}
	if evs, err := JournalEvents(console); err == nil {
		fmt.Fprintln(out, "    timeline from the initrd journal:")
		for _, ev := range evs {
			if demoUnit(ev.Unit) {
				fmt.Fprintf(out, "      %8.3f s  %-15s %s\n", ev.T, ev.Verb, ev.Unit)
			}
		}
	}
	for _, line := range strings.Split(console, "\n") {
		if strings.HasPrefix(line, "DEMO: ") {
			fmt.Fprintln(out, "    "+strings.TrimPrefix(line, "DEMO: "))
		}
	}
}

func demoUnit(unit string) bool {
	for _, u := range []string{"zfs-import", "blankslate-", "sysroot", "initrd-fs.target", "initrd-switch-root"} {
		if strings.HasPrefix(unit, u) {
			return true
		}
	}
	return false
}

// trimFields drops the trailing [key=value …] of a log line: the journal has them.
func trimFields(s string) string {
	if i := strings.LastIndex(s, " ["); i > 0 && strings.HasSuffix(s, "]") {
		return s[:i]
	}
	return s
}
