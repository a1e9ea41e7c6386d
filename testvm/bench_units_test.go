//go:build vm && bench

package testvm

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Persist in the systemd initrd against entries: one disk booted through three
// dracut systemd initrds for each entry count N, interleaved (the order turns
// every run), each attaching the same N directories /srv/e00000 … beneath
// /sysroot from /sysroot/persist:
//
//	blankslate  its two units from systemd/, a configuration of the N entries;
//	shell       the shell rollback unit and a unit running a `mkdir -p; mount
//	            --bind` loop over the N paths (the initrd's own sh and tools);
//	units       the shell rollback unit and N systemd .mount units, generated as
//	            nix-community/preservation generates them for the initrd
//	            (lib.nix, mkMountUnits with forInitrd: Options=bind with
//	            X-fstrim.notrim and x-initrd.mount, DefaultDependencies=no,
//	            Conflicts=umount.target, wanted by and ordered before one target).
//	            preservation orders that target before initrd.target; here it is
//	            required by and ordered before initrd-fs.target, where the other
//	            two contenders' persist units end, so that all three end at one point.
//
// Measured from each boot's journal: sysroot.mount mounted → initrd-fs.target
// reached (what happens between /sysroot mounted and the persistent paths
// attached, /sysroot/persist mounted the same way for all). Not from
// initrd-root-fs.target: the persist units are ordered after it, the mount
// units only after the mounts their paths lie on, so that they may be done
// before it is reached.
// All three boot with systemd.show_status=0 (a quiet boot: the status of 10,000
// mounts on the emulated serial console would be measured too) and journald's
// rate limit off (its default burst of 10,000 would drop the units' messages).

func unitsPaths(n int) []string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("/srv/e%05d", i)
	}
	return p
}

// unitsConfig is blankslate's configuration of the n entries.
func unitsConfig(n int) string {
	var b strings.Builder
	b.WriteString(`{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":[`)
	for i, p := range unitsPaths(n) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"path":%q,"how":"bind","type":"directory"}`, p)
	}
	b.WriteString("]}\n")
	return b.String()
}

// unitsMounts are the mount units of the n entries and their enable links,
// by their paths in the image.
func unitsMounts(n int) (units, links map[string]string) {
	const dir = "/etc/systemd/system/"
	units = map[string]string{dir + "initrd-preservation.target": `[Unit]
Description=bench: the persistent paths' mount units
DefaultDependencies=no
Before=initrd-fs.target
`, dir + "blankslate-persist.service": unitsNoopUnit}
	links = map[string]string{dir + "initrd-fs.target.requires/initrd-preservation.target": "../initrd-preservation.target"}
	for _, p := range unitsPaths(n) {
		// systemd-escape --path --suffix=mount: the paths here need no escaping.
		name := strings.ReplaceAll(strings.TrimPrefix("/sysroot"+p, "/"), "/", "-") + ".mount"
		units[dir+name] = fmt.Sprintf(`[Unit]
DefaultDependencies=no
Conflicts=umount.target
Before=initrd-preservation.target
[Mount]
What=/sysroot/persist%s
Where=/sysroot%s
Options=bind,X-fstrim.notrim,x-initrd.mount
`, p, p)
		links[dir+"initrd-preservation.target.wants/"+name] = "../" + name
	}
	return units, links
}

// unitsLoopUnit runs the shell contender's loop over /etc/bench-paths.
const unitsLoopUnit = `[Unit]
Description=shell: mkdir -p and mount --bind each persistent path beneath /sysroot
DefaultDependencies=no
RequiresMountsFor=/sysroot/persist
After=initrd-root-fs.target
Before=initrd-fs.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'while read -r p; do mkdir -p /sysroot/persist$p /sysroot$p && mount --bind /sysroot/persist$p /sysroot$p || exit 1; done </etc/bench-paths'
StandardOutput=journal+console
[Install]
RequiredBy=initrd-fs.target
`

// unitsNoopUnit stands in for the persist unit where the mount units attach the paths.
const unitsNoopUnit = `[Unit]
Description=units: the mount units attach the persistent paths
DefaultDependencies=no
Before=initrd-fs.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
[Install]
RequiredBy=initrd-fs.target
`

// unitsQuiet: journald's rate limit off, and the journal dump without the
// per-path mount lines (thousands of lines on the serial console).
var unitsQuiet = map[string]string{
	"/etc/systemd/journald.conf.d/bench.conf": "[Journal]\nRateLimitBurst=0\n",
	"/etc/systemd/system/blankslate-test-journal.service.d/bench.conf": `[Service]
ExecStart=
ExecStart=/bin/sh -c 'echo JOURNAL-BEGIN; journalctl -b -o short-monotonic --no-pager | grep -v -e "sysroot/srv/e" -e "sysroot-srv-e"; echo JOURNAL-END'
`,
}

// unitsBases builds the two dracut images the contenders' initrds start from:
// blankslate's units, and the shell rollback unit with the loop unit.
func unitsBases(env *Env) (bs, sh string, err error) {
	bs = filepath.Join(env.WorkDir, "bench-units-blankslate.img")
	sh = filepath.Join(env.WorkDir, "bench-units-shell.img")
	if err := env.BuildSystemdInitrd(bs, SystemdInitrd{UnitsDir: "../systemd", Extra: unitsQuiet}); err != nil {
		return "", "", err
	}
	if err := contenderInitrd(env, sh, unitsLoopUnit, SystemdInitrd{WithoutBinary: true, Extra: unitsQuiet}); err != nil {
		return "", "", err
	}
	return bs, sh, nil
}

// unitsInitrds are the three contenders' initrds for n entries: the bases with
// the configuration, the list of paths, or the mount units appended (the mount
// units' initrd replaces the loop unit with one that does nothing).
func unitsInitrds(env *Env, bs, sh string, n int) (map[string]string, error) {
	img := func(tool string) string {
		return filepath.Join(env.WorkDir, fmt.Sprintf("bench-units-%s-%d.img", tool, n))
	}
	units, links := unitsMounts(n)
	err := errors.Join(
		AppendFiles(bs, img("blankslate"), map[string]string{"/etc/blankslate/config.json": unitsConfig(n)}, nil),
		AppendFiles(sh, img("shell"), map[string]string{"/etc/bench-paths": strings.Join(unitsPaths(n), "\n") + "\n"}, nil),
		AppendFiles(sh, img("units"), units, links))
	if err != nil {
		return nil, fmt.Errorf("the initrds for %d entries: %w", n, err)
	}
	return map[string]string{"blankslate": img("blankslate"), "shell": img("shell"), "units": img("units")}, nil
}

// persistWindow is sysroot.mount mounted → initrd-fs.target reached, in ms.
func persistWindow(console string) (float64, error) {
	evs, err := JournalEvents(console)
	if err != nil {
		return 0, err
	}
	s, err := Span(evs, "Mounted", "sysroot.mount", "Reached target", "initrd-fs.target")
	return s * 1000, err
}

func benchUnits(t *testing.T, env *Env, initrd, golden string, runs int, counts []unitsCount, budget time.Duration) (got []BenchRun, notes []string, took time.Duration) {
	bs, sh, err := unitsBases(env)
	if err != nil {
		t.Fatal(err)
	}
	largest := 0
	imgs := map[int]map[string]string{}
	for _, c := range counts {
		m, err := unitsInitrds(env, bs, sh, c.n)
		if err != nil {
			t.Fatal(err)
		}
		imgs[c.n] = m
		largest = max(largest, c.n)
	}
	d, err := newDiskBooter(t, env, golden, "bench-units")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// Boot 1, in the busybox initramfs, makes the persistent directories.
	if _, ok := d.boot(initrd, fmt.Sprintf("bstest.entries=%d", largest), 15*time.Minute); !ok {
		return nil, nil, time.Since(start)
	}
	tools := []string{"blankslate", "shell", "units"}
	var pace unitsPace
	for r := 1; r <= runs; r++ {
		if note := spent("bench-units", start, budget, true, r, runs); note != "" {
			return got, append(notes, note), time.Since(start)
		}
		for _, c := range counts {
			if r > c.max {
				continue
			}
			for i := range tools {
				tool := tools[(i+r-1)%len(tools)]
				if note := pace.skip(tool, c.n); note != "" {
					if !slices.Contains(notes, note) {
						fmt.Println(note)
						notes = append(notes, note)
					}
					continue
				}
				console, ok := d.boot(imgs[c.n][tool], fmt.Sprintf("%s systemd.show_status=0 bstest.want=%d", chainCmdline, c.n), 30*time.Minute)
				if !ok {
					return got, notes, time.Since(start)
				}
				ms, err := persistWindow(console)
				if err != nil {
					t.Errorf("bench-units boot %d: %v", d.n, err)
					return got, notes, time.Since(start)
				}
				fmt.Printf("BENCH-HOST persist in the initrd %d entries %s run %d: %.0f ms\n", c.n, tool, r, ms)
				got = append(got, BenchRun{Bench: "persist-initrd", Case: strconv.Itoa(c.n), Tool: tool, Run: r, WallMs: ms})
				pace.saw(tool, c.n, ms)
			}
		}
	}
	return got, notes, time.Since(start)
}
