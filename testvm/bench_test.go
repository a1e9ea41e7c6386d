//go:build vm && bench

package testvm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The benchmark (make bench) boots real ZFS under qemu and writes every run's raw
// numbers to BLANKSLATE_BENCH_JSON (bench/results.json); bench/report computes the
// medians, ratios and goals from them and writes bench/results.md and the plots.
// Nothing here asserts a time: a run fails only when a contender fails.
//
// Environment (make bench passes them through):
//   BENCH_RUNS           runs of every contender in every case (default 5)
//   BENCH_CASES          rollback matrix cases (default none,50M,1G,20k,100k,s10,s100;
//                        CASE:MAX runs CASE in at most MAX runs)
//   BENCH_PERSIST        persist entry counts (default 5,100,1000,10000)
//   BENCH_CHAIN_CASES    dirty sizes of the initrd critical path (default none,50M,1G,20k,100k)
//   BENCH_UNITS          persist in the systemd initrd: entry counts (default
//                        5,100,1000,10000:2; N:MAX as in BENCH_CASES)
//   BENCH_PARTS          which parts run (default rollback,persist,units,chain,size)
//   BENCH_BUDGET_ROLLBACK, BENCH_BUDGET_PERSIST, BENCH_BUDGET_UNITS, BENCH_BUDGET_CHAIN
//                        seconds after which a part starts no further run (whole
//                        runs only; the runs left out are noted in the results)
//   BLANKSLATE_BENCH_TOOLS  the directory holding bstool and floor (make bench-tools)

var (
	benchLine = regexp.MustCompile(`(?m)^BENCH (\S+) (.*)$`)
	benchNote = regexp.MustCompile(`(?m)^BENCH-NOTE (.*)$`)
)

// parseBench reads the guest's "BENCH <bench> key=value …" lines.
func parseBench(console string) ([]BenchRun, error) {
	var runs []BenchRun
	for _, m := range benchLine.FindAllStringSubmatch(console, -1) {
		r := BenchRun{Bench: m[1]}
		for _, kv := range strings.Fields(m[2]) {
			k, v, _ := strings.Cut(kv, "=")
			var err error
			switch k {
			case "case":
				r.Case = v
			case "tool":
				r.Tool = v
			case "run":
				r.Run, err = strconv.Atoi(v)
			case "wall_us":
				var us int64
				us, err = strconv.ParseInt(v, 10, 64)
				r.WallMs = float64(us) / 1000
			case "rss_kb":
				r.RSSKB, err = strconv.ParseInt(v, 10, 64)
			default:
				if r.Extra == nil {
					r.Extra = map[string]string{}
				}
				r.Extra[k] = v
			}
			if err != nil {
				return nil, fmt.Errorf("BENCH line %q: %s: %w", m[0], k, err)
			}
		}
		runs = append(runs, r)
	}
	return runs, nil
}

func benchEnv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// benchDiskSize holds a 1 GiB dirty root and three kept roots of that size.
const benchDiskSize = 8 << 30

func TestBench(t *testing.T) {
	bin := benchEnv("BLANKSLATE_BIN", "../bin/blankslate")
	work := benchEnv("BLANKSLATE_VM_WORK", "/var/tmp/blankslate-vm")
	tools := benchEnv("BLANKSLATE_BENCH_TOOLS", "../bin")
	env, err := NewEnv(bin, work)
	if err != nil {
		t.Fatal(err)
	}
	initrd := filepath.Join(work, "bench-initramfs.cpio")
	extra := map[string]string{
		filepath.Join(tools, "bstool"): "bin/bstool",
		filepath.Join(tools, "floor"):  "bin/floor",
		filepath.Join(tools, "zinit"):  "bin/zinit",
	}
	if err := env.BuildInitramfs(initrd, "guest", extra); err != nil {
		t.Fatalf("%v (make bench-tools builds bstool, floor and zinit)", err)
	}
	golden := filepath.Join(work, "bench-golden.raw")
	if br, err := env.MakeDiskOfSize(context.Background(), golden, initrd, benchDiskSize); err != nil {
		t.Fatalf("bench disk: %v\n%s", err, br.Console)
	}
	runs := benchEnv("BENCH_RUNS", "5")
	st, err := os.Stat(env.Binary)
	if err != nil {
		t.Fatal(err)
	}
	out := BenchFile{Meta: map[string]any{
		"date":         time.Now().UTC().Format(time.RFC3339),
		"machine":      "qemu TCG (software emulation, no KVM), 1 vCPU, 1536 MiB; host " + hostCPU(),
		"guest_kernel": env.KVer,
		"zfs":          zfsVersion(),
		"runs":         runs,
		"disk_bytes":   benchDiskSize,
	}}
	for _, k := range []string{"BENCH_CASES", "BENCH_PERSIST", "BENCH_UNITS", "BENCH_CHAIN_CASES", "BENCH_BUDGET_ROLLBACK", "BENCH_BUDGET_PERSIST", "BENCH_BUDGET_UNITS", "BENCH_BUDGET_CHAIN"} {
		if v := os.Getenv(k); v != "" {
			out.Meta[strings.ToLower(k)] = v
		}
	}
	parts := "," + benchEnv("BENCH_PARTS", "rollback,persist,units,chain,size") + ","
	merge := os.Getenv("BENCH_MERGE") != ""
	if merge { // a file that cannot be merged stops the run before hours of boots
		if err := carryOver(&BenchFile{Meta: map[string]any{}}, os.Getenv("BLANKSLATE_BENCH_JSON"), parts); err != nil {
			t.Fatal(err)
		}
	}
	// done lists the parts this run has finished: with BENCH_MERGE a part not
	// finished yet keeps the file's runs, so that a run stopped during a long
	// part (or one that fails) leaves that part as it was.
	done := ","
	save := func() {
		if err := saveBench(os.Getenv("BLANKSLATE_BENCH_JSON"), out, merge, done); err != nil {
			t.Fatal(err)
		}
	}
	finish := func(part string) {
		out.Meta[partDate(part)] = out.Meta["date"]
		done += part + ","
		save()
	}
	started := time.Now()
	// guest boots one benchmark scenario on a fresh copy of the disk, its console
	// copied live to stdout (the runs take a while; the log shows how far they got).
	guest := func(name, appendArgs string, timeout time.Duration) {
		disk := filepath.Join(work, name+".raw")
		if err := CopyDisk(golden, disk); err != nil {
			t.Fatal(err)
		}
		br, err := env.Run(context.Background(), Boot{Initrd: initrd, Disk: disk, Timeout: timeout, Console: os.Stdout,
			Append: fmt.Sprintf("bstest.scenario=%s bstest.boot=1 %s", name, appendArgs)})
		// A failed part is reported and the next part still runs; what it measured
		// before it failed is kept.
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if ok, why := Verdict(br.Console, name, 1); !ok {
			t.Errorf("%s: %s", name, why)
		}
		got, err := parseBench(br.Console)
		if err != nil {
			t.Error(err)
		}
		for _, m := range benchNote.FindAllStringSubmatch(br.Console, -1) {
			out.Notes = append(out.Notes, m[1])
		}
		out.Runs = append(out.Runs, got...)
		out.Meta[name+"_seconds"] = int(br.Took.Seconds())
	}
	if strings.Contains(parts, ",rollback,") {
		guest("bench-rollback", fmt.Sprintf("bstest.runs=%s bstest.cases=%s%s", runs,
			benchEnv("BENCH_CASES", "none,50M,1G,20k,100k,s10,s100"), budgetArg("BENCH_BUDGET_ROLLBACK")), 4*time.Hour)
		finish("rollback")
	}
	if strings.Contains(parts, ",persist,") {
		guest("bench-persist", fmt.Sprintf("bstest.runs=%s bstest.entries=%s%s", runs,
			benchEnv("BENCH_PERSIST", "5,100,1000,10000"), budgetArg("BENCH_BUDGET_PERSIST")), 4*time.Hour)
		finish("persist")
	}
	if strings.Contains(parts, ",units,") {
		n, _ := strconv.Atoi(runs)
		budget, _ := strconv.Atoi(benchEnv("BENCH_BUDGET_UNITS", "0"))
		counts, err := parseUnitsCounts(benchEnv("BENCH_UNITS", "5,100,1000,10000:2"))
		if err != nil {
			t.Fatal(err)
		}
		got, notes, took := benchUnits(t, env, initrd, golden, n, counts, time.Duration(budget)*time.Second)
		out.Runs = append(out.Runs, got...)
		out.Notes = append(out.Notes, notes...)
		out.Meta["bench-units_seconds"] = int(took.Seconds())
		finish("units")
	}
	if strings.Contains(parts, ",chain,") {
		n, _ := strconv.Atoi(runs)
		budget, _ := strconv.Atoi(benchEnv("BENCH_BUDGET_CHAIN", "0"))
		got, notes, took := benchChain(t, env, initrd, golden, n, strings.Split(benchEnv("BENCH_CHAIN_CASES", "none,50M,1G,20k,100k"), ","), time.Duration(budget)*time.Second)
		out.Runs = append(out.Runs, got...)
		out.Notes = append(out.Notes, notes...)
		out.Meta["bench-chain_seconds"] = int(took.Seconds())
		finish("chain")
	}
	if strings.Contains(parts, ",size,") {
		for k, v := range benchSizes(t, env) {
			out.Meta[k] = v
		}
		// The size part owns the binary's size, so that a later run of another
		// part, from another checkout, does not pair its binary with these initrds.
		out.Meta["binary_bytes"] = st.Size()
		finish("size")
	}
	out.Meta["total_seconds"] = int(time.Since(started).Seconds())
	save()
}

// budgetArg passes a time budget in seconds (the environment variable name) to
// the guest: runs after the first start only while it lasts (lib.sh, bench_more).
func budgetArg(name string) string {
	if v := os.Getenv(name); v != "" {
		return " bstest.budget=" + v
	}
	return ""
}

func hostCPU() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func zfsVersion() string {
	out, _ := exec.Command("dpkg-query", "-W", "-f", "${Version}", "zfs-dkms").Output()
	return "OpenZFS " + strings.TrimSpace(string(out))
}
