package check

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

const gib = zfstest.GiB

// fixture is a check's whole input: the model pool and a fake /proc and /sys.
type fixture struct {
	t   *testing.T
	z   *zfstest.Model
	in  Input
	dir string
}

// newFixture is the seed layout, clean, seen from an initrd whose root is not
// mounted (so that the persistent paths are not looked at; persist_test.go
// does those).
func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	fx := &fixture{t: t, z: zfstest.Seed(t), dir: dir}
	fx.in = Input{
		Config:     config.Default(),
		ConfigFrom: "built-in default",
		Root:       filepath.Join(dir, "sysroot"),
		ZFS:        fx.z,
		Sys: System{
			Mountinfo: fx.write("mountinfo", "22 1 0:21 / / rw - tmpfs none rw\n"),
			ArcMax:    fx.write("zfs_arc_max", "0\n"),
			Arcstats:  fx.write("arcstats", "13 1 0\nname type data\nc_min 4 48106112\nc_max 4 962122240\n"),
			Cmdline:   fx.write("cmdline", "console=ttyS0 quiet\n"),
			Modprobe:  []string{filepath.Join(dir, "modprobe.d")},
			InInitrd:  true,
		},
	}
	return fx
}

func (fx *fixture) write(name, content string) string {
	p := filepath.Join(fx.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		fx.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		fx.t.Fatal(err)
	}
	return p
}

// findingsOf returns the findings of one check.
func findingsOf(r *Report, check string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}
