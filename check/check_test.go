package check

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

const root = zfstest.Root

func TestCleanSeedLayoutHasNoProblems(t *testing.T) {
	fx := newFixture(t)
	r := Run(fx.in)
	for _, f := range r.Findings {
		if f.Severity.Problem() {
			t.Errorf("unexpected problem: %+v", f)
		}
	}
	for _, want := range []string{"config.valid", "pool.imported", "pool.health", "dataset.exists", "dataset.children",
		"dataset.mountpoint", "snapshot.exists", "snapshot.latest", "snapshot.written", "layout.compression",
		"layout.nix-atime", "layout.reservation", "layout.docker-zvol", "layout.arc-max", "persist.root"} {
		if len(findingsOf(r, want)) == 0 {
			t.Errorf("no finding for %s", want)
		}
	}
}

// Each case breaks one thing of the seed layout and names the finding that
// must report it, its severity, and words of its message and fix.
func TestEachBrokenThingIsReportedWithItsFix(t *testing.T) {
	tests := []struct {
		name             string
		breakIt          func(fx *fixture)
		check            string
		sev              Severity
		inMessage, inFix string
	}{
		{"ZFS missing is an error", func(fx *fixture) { fx.in.ZFS, fx.in.ZFSErr = nil, errors.New("/dev/zfs is missing") },
			"zfs.available", Error, "/dev/zfs is missing", "modprobe zfs"},
		{"pool not imported is an error", func(fx *fixture) { fx.z.Export("rpool") },
			"pool.imported", Error, "is not imported", "zpool import -N rpool"},
		{"degraded pool is a warning", func(fx *fixture) {
			fx.z.SetPoolHealth("rpool", "DEGRADED", "offline-device", "")
		}, "pool.health", Warning, "DEGRADED, status offline-device", "zpool status -v rpool"},
		{"faulted pool is an error with its message ID", func(fx *fixture) {
			fx.z.SetPoolHealth("rpool", "FAULTED", "corrupt-pool", "ZFS-8000-72")
		}, "pool.health", Error, "ZFS-8000-72", "openzfs-docs/msg/ZFS-8000-72"},
		{"features not enabled is only information", func(fx *fixture) { fx.z.SetPoolHealth("rpool", "ONLINE", "features-disabled", "") },
			"pool.health", Info, "features-disabled", "zpool status"},
		{"missing dataset is an error", func(fx *fixture) { fx.z.Purge(root) },
			"dataset.exists", Error, "does not exist", "zfs list -r rpool"},
		{"a volume as dataset is an error", func(fx *fixture) {
			fx.z.Purge(root)
			fx.z.AddVolume(root, gib, nil)
		}, "dataset.exists", Error, "not a filesystem", "root filesystem dataset"},
		{"child datasets are an error", func(fx *fixture) { fx.z.AddFS(root+"/var", nil) },
			"dataset.children", Error, "rpool/nixos/empty/var", "zfs rename rpool/nixos/empty/var rpool/nixos/var"},
		{"mountpoint other than legacy is a warning", func(fx *fixture) {
			fx.z.Set(root, "mountpoint", "/")
		}, "dataset.mountpoint", Warning, "mountpoint=/", "zfs set mountpoint=legacy rpool/nixos/empty"},
		{"missing snapshot is an error naming what exists", func(fx *fixture) {
			fx.z.Purge(root + "@start")
			fx.z.AddSnapshot(root, "other")
		}, "snapshot.exists", Error, "only @other", "zfs snapshot rpool/nixos/empty@start"},
		{"newer snapshots are a warning", func(fx *fixture) {
			fx.z.AddSnapshot(root, "later")
		}, "snapshot.latest", Warning, "1 newer snapshot(s) (rpool/nixos/empty@later)", "zfs destroy rpool/nixos/empty@later"},
		{"a newer snapshot with a clone is an error", func(fx *fixture) {
			fx.z.AddSnapshot(root, "later")
			fx.z.AddClone(root+"@later", "rpool/c", nil)
		}, "snapshot.latest", Error, "has clones (rpool/c)", "zfs destroy rpool/c"},
		{"an unreadable written property is a warning", func(fx *fixture) { fx.z.Fail("Written") },
			"snapshot.written", Warning, "injected failure", "zfs get written@start"},
		{"compression off is a warning per dataset", func(fx *fixture) {
			fx.z.Set("rpool/nixos/home", "compression", "off")
		}, "layout.compression", Warning, "compression=off", "zfs set compression=lz4 rpool/nixos/home"},
		{"atime on the nix dataset is a warning", func(fx *fixture) {
			fx.z.Set("rpool/nixos/nix", "atime", "on")
		}, "layout.nix-atime", Warning, "atime=on", "zfs set atime=off rpool/nixos/nix"},
		{"a reservation below 10 % is a warning", func(fx *fixture) {
			fx.z.Set("rpool/reserved", "refreservation", strconv.Itoa(gib/2))
		}, "layout.reservation", Warning, "5.0 %", "zfs set refreservation=1073741824 rpool/reserved"},
		{"no reservation at all is information", func(fx *fixture) {
			fx.z.Set("rpool/reserved", "refreservation", "none")
		}, "layout.reservation", Info, "nothing is reserved", "refreservation=1073741824 rpool/reserved"},
		{"a docker dataset that is no volume is an error", func(fx *fixture) {
			fx.z.Purge("rpool/docker")
			fx.z.AddFS("rpool/docker", nil)
		}, "layout.docker-zvol", Error, "not a volume", "zfs create -V"},
		{"ARC maximum asked on the command line but not applied is a warning", func(fx *fixture) {
			fx.write("cmdline", "quiet zfs.zfs_arc_max=268435456\n")
		}, "layout.arc-max", Warning, "the kernel command line asks for 256.0 MiB", "echo 268435456 > "},
		{"ARC maximum asked in modprobe.d but not applied is a warning", func(fx *fixture) {
			fx.write("modprobe.d/zfs.conf", "options zfs zfs_arc_max=268435456 zfs_txg_timeout=5\n")
		}, "layout.arc-max", Warning, "modprobe.d/zfs.conf asks for 256.0 MiB", "echo 268435456"},
		{"ARC maximum that ZFS ignored is a warning", func(fx *fixture) {
			fx.write("cmdline", "zfs.zfs_arc_max=1000\n")
			fx.write("zfs_arc_max", "1000\n")
		}, "layout.arc-max", Warning, "ZFS ignored it", "between 67108864 and"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			tc.breakIt(fx)
			r := Run(fx.in)
			got := findingsOf(r, tc.check)
			for _, f := range got {
				if f.Severity == tc.sev && strings.Contains(f.Message, tc.inMessage) && strings.Contains(f.Fix, tc.inFix) {
					if r.Problems() == 0 && tc.sev.Problem() {
						t.Error("the report counts no problem")
					}
					return
				}
			}
			t.Errorf("no %s finding %s with message ~%q and fix ~%q; got %+v", tc.sev, tc.check, tc.inMessage, tc.inFix, got)
		})
	}
}

func TestArcMaxAppliedAsAskedIsOK(t *testing.T) {
	fx := newFixture(t)
	fx.write("cmdline", "zfs.zfs_arc_max=268435456\n")
	fx.write("zfs_arc_max", "268435456\n")
	fx.write("arcstats", "c_max 4 268435456\n")
	f := findingsOf(Run(fx.in), "layout.arc-max")
	if len(f) != 1 || f[0].Severity != OK || !strings.Contains(f[0].Message, "256.0 MiB, as the kernel command line asks") {
		t.Errorf("got %+v", f)
	}
}

func TestFstabZvolThatIsMissingIsAnError(t *testing.T) {
	fx := newFixture(t)
	root := fx.in.Root
	fx.write("sysroot/etc/fstab", "# comment\n/dev/zvol/rpool/docker2 /var/lib/docker ext4 defaults 0 2\n")
	fx.write("mountinfo", "22 1 0:21 / / rw - tmpfs none rw\n30 22 0:40 / "+root+" rw - zfs rpool/nixos/empty rw\n")
	r := Run(fx.in)
	var sawMissing, sawSeed bool
	for _, f := range findingsOf(r, "layout.docker-zvol") {
		sawMissing = sawMissing || f.Object == "rpool/docker2" && f.Severity == Error && strings.Contains(f.Message, "/var/lib/docker")
		sawSeed = sawSeed || f.Object == "rpool/docker" && f.Severity == OK && strings.Contains(f.Message, "50.0 GiB")
	}
	if !sawMissing || !sawSeed {
		t.Errorf("missing fstab zvol reported: %v, seed zvol reported: %v; %+v", sawMissing, sawSeed, findingsOf(r, "layout.docker-zvol"))
	}
}

func TestRootThatIsAnotherDatasetIsAnError(t *testing.T) {
	fx := newFixture(t)
	fx.write("mountinfo", "22 1 0:21 / / rw - tmpfs none rw\n30 22 0:40 / "+fx.in.Root+" rw - zfs rpool/nixos/other rw\n")
	f := findingsOf(Run(fx.in), "dataset.root")
	if len(f) != 1 || f[0].Severity != Error || !strings.Contains(f[0].Message, "is rpool/nixos/other, not rpool/nixos/empty") {
		t.Errorf("got %+v", f)
	}
}

func TestWrittenBytesAreInformationWithTheCount(t *testing.T) {
	fx := newFixture(t)
	fx.z.Write(root, 52428800)
	f := findingsOf(Run(fx.in), "snapshot.written")
	if len(f) != 1 || f[0].Severity != Info || !strings.Contains(f[0].Message, "50.0 MiB written since @start") || f[0].Data["bytes"] != uint64(52428800) {
		t.Errorf("got %+v", f)
	}
}

func TestConfigProblemsAreOneErrorEach(t *testing.T) {
	r := ConfigProblems("/etc/x.json", errors.New("configuration /etc/x.json: pool: missing\nsnapshot: missing"))
	if len(r.Findings) != 2 || r.Findings[1].Message != "snapshot: missing" || r.Findings[0].Severity != Error {
		t.Errorf("got %+v", r.Findings)
	}
}

// Another algorithm than the layout's lz4 is a choice made on purpose: told
// once per algorithm, with the datasets, and never a problem.
func TestCompressionChosenOnPurposeIsInformation(t *testing.T) {
	fx := newFixture(t)
	fx.z.Set("rpool/nixos/home", "compression", "zstd")
	fx.z.Set("rpool/nixos/persist", "compression", "zstd")
	fx.z.Set("rpool/nixos/nix", "compression", "on")
	r := Run(fx.in)
	f := findingsOf(r, "layout.compression")
	if len(f) != 1 || f[0].Severity != Info || f[0].Object != "rpool/nixos/home, rpool/nixos/persist" || !strings.Contains(f[0].Message, "compression=zstd") {
		t.Errorf("got %+v", f)
	}
	if exit, _ := r.Outcome(); exit == ExitProblems {
		t.Errorf("exit %d for a compression chosen on purpose", exit)
	}
}
