// Command demo is `make demo`: it builds the seed's disk, a real systemd initrd
// with blankslate in it, and boots twice under qemu, narrating what was written in
// boot 1, what boot 2 found, and which unit ran when.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blankslate/blankslate/testvm"
)

func main() {
	bin := flag.String("binary", "bin/blankslate", "the static blankslate binary")
	work := flag.String("work", "/var/tmp/blankslate-demo", "scratch directory for the disk and initrds")
	flag.Parse()
	if err := run(*bin, *work); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func say(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }

func run(bin, work string) error {
	abs, _ := filepath.Abs(bin)
	env, err := testvm.NewEnv(abs, work)
	if err != nil {
		return err
	}
	ctx := context.Background()
	say("guest kernel %s with OpenZFS 2.3; blankslate binary %s", env.KVer, abs)
	busybox := filepath.Join(work, "initramfs.cpio")
	if err := env.BuildInitramfs(busybox, "testvm/guest", nil); err != nil {
		return err
	}
	golden := filepath.Join(work, "disk.raw")
	say("creating a 1 GiB disk with the seed layout: rpool, rpool/nixos/{empty,nix,home,persist}, rpool/docker, empty@start")
	if _, err := env.MakeDisk(ctx, golden, busybox); err != nil {
		return err
	}
	initrd := filepath.Join(work, "initrd-systemd.img")
	say("building a systemd initrd with dracut: zfs, blankslate, systemd/blankslate-{rollback,persist}.service")
	if err := env.BuildSystemdInitrd(initrd, testvm.SystemdInitrd{UnitsDir: "systemd"}); err != nil {
		return err
	}
	for boot := 1; boot <= 2; boot++ {
		say("boot %d (about a minute under emulation)…", boot)
		r, err := env.Run(ctx, testvm.Boot{Initrd: initrd, Disk: golden, Timeout: 5 * time.Minute,
			Append: fmt.Sprintf("root=zfs:rpool/nixos/empty init=/nix/blankslate-test/stage2 rd.shell=0 rd.emergency=poweroff bstest.scenario=demo bstest.boot=%d", boot)})
		if err != nil {
			return fmt.Errorf("boot %d: %w\n%s", boot, err, r.Console)
		}
		narrate(r.Console)
		if ok, why := testvm.Verdict(r.Console, "demo", boot); !ok {
			return fmt.Errorf("boot %d: %s\n%s", boot, why, r.Console)
		}
	}
	say("done: the root was blank again, the declared paths survived")
	return nil
}

// narrate prints blankslate's own log lines, the unit timeline and the guest's
// DEMO lines from one boot's console.
func narrate(console string) {
	for _, line := range strings.Split(console, "\n") {
		if i := strings.Index(line, "blankslate: "); i >= 0 && strings.Contains(line, "]: blankslate: ") && !strings.Contains(line, "localhost") {
			fmt.Println("    " + trimFields(line[i:]))
		}
	}
	if evs, err := testvm.JournalEvents(console); err == nil {
		fmt.Println("    timeline from the initrd journal:")
		for _, e := range evs {
			if interesting(e.Unit) {
				fmt.Printf("      %8.3f s  %-15s %s\n", e.T, e.Verb, e.Unit)
			}
		}
	}
	for _, line := range strings.Split(console, "\n") {
		if strings.HasPrefix(line, "DEMO: ") {
			fmt.Println("    " + strings.TrimPrefix(line, "DEMO: "))
		}
	}
}

func interesting(unit string) bool {
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
