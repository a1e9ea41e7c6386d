//go:build vm

package testvm

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The soak: consecutive boots of one disk through the dracut systemd initrd
// (rollback, mounts, persist, switch-root into the guest's stage 2, scenario
// soak). Before each boot the test writes that boot's changes at the start of
// partition 1: random junk on the root and random changes beneath the
// persisted paths (files created, overwritten, appended to, renamed, removed;
// directories made and removed; owners and modes changed), drawn from the
// run's seed. Each boot prints the root's own names and the persisted state;
// after every boot the root must hold exactly what the first boot's did (the
// blank root plus what systemd and persist make) and the persisted state must
// equal the model the test keeps of every change so far.
//
// BLANKSLATE_SOAK_BOOTS is the number of boots that make changes (default 3,
// the short suite of `make test`; `make soak` runs 50), followed by one boot
// that only checks. BLANKSLATE_SOAK_SEED replays a run.

// soakRoots are the persisted directories the changes are made beneath.
var soakRoots = []string{"/etc/nixos", "/etc/ssh", "/var/log", "/var/lib"}

type soakNode struct {
	dir        bool
	uid, gid   int
	mode       int
	content    string
	createdAt  int // boot
	modifiedAt int
}

// soakModel is the persisted state the test expects: path → node.
type soakModel map[string]*soakNode

func (m soakModel) manifest() []string {
	var lines []string
	for p, n := range m {
		if n.dir {
			lines = append(lines, fmt.Sprintf("%s d %d:%d %o -", p, n.uid, n.gid, n.mode))
		} else {
			lines = append(lines, fmt.Sprintf("%s f %d:%d %o %x", p, n.uid, n.gid, n.mode, sha256.Sum256([]byte(n.content))))
		}
	}
	sort.Strings(lines)
	return lines
}

// below lists the model's paths beneath dir, dir excluded.
func (m soakModel) below(dir string) []string {
	var ps []string
	for p := range m {
		if strings.HasPrefix(p, dir+"/") {
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	return ps
}

func (m soakModel) sorted(dirs bool) []string {
	var ps []string
	for p, n := range m {
		if n.dir == dirs {
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	return ps
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randText(rng *rand.Rand, max int) string {
	b := make([]byte, 1+rng.Intn(max))
	for i := range b {
		b[i] = alnum[rng.Intn(len(alnum))]
	}
	return string(b)
}

var (
	soakOwners    = [][2]int{{0, 0}, {1000, 100}, {1001, 1001}, {65534, 65534}}
	soakFileModes = []int{0o600, 0o640, 0o644, 0o400, 0o660, 0o604}
	soakDirModes  = []int{0o700, 0o750, 0o755, 0o2775, 0o1777, 0o711}
	soakJunkDirs  = []string{"/", "/etc", "/var/tmp", "/root", "/usr/local/junk", "/var/cache/app", "/home/user", "/tmp", "/srv"}
)

// soakChanges draws one boot's changes, applies them to the model, and returns
// them as the guest's shell commands.
func soakChanges(rng *rand.Rand, m soakModel, boot int) []string {
	var cmds []string
	q := func(s string) string { return "'" + s + "'" }
	for i := 0; i < 2+rng.Intn(4); i++ {
		dir := soakJunkDirs[rng.Intn(len(soakJunkDirs))]
		p := path.Join(dir, fmt.Sprintf("junk-%d-%d", boot, i))
		cmds = append(cmds, fmt.Sprintf("op mkdir -p %s", q(dir)), fmt.Sprintf("op sh -c \"printf '%%s' %s >%s\"", randText(rng, 200), p))
	}
	for i := 0; i < 3+rng.Intn(5); i++ {
		dirs := append(append([]string{}, soakRoots...), m.sorted(true)...)
		files := m.sorted(false)
		o := soakOwners[rng.Intn(len(soakOwners))]
		switch r := rng.Intn(10); {
		case r < 3 || len(files) == 0: // a new file
			p := path.Join(dirs[rng.Intn(len(dirs))], fmt.Sprintf("f%d-%d", boot, i))
			n := &soakNode{uid: o[0], gid: o[1], mode: soakFileModes[rng.Intn(len(soakFileModes))], content: randText(rng, 400)}
			m[p] = n
			cmds = append(cmds, fmt.Sprintf("op sh -c \"printf '%%s' %s >%s\"", n.content, p),
				fmt.Sprintf("op chown %d:%d %s", n.uid, n.gid, p), fmt.Sprintf("op chmod %04o %s", n.mode, p))
		case r < 4: // a new directory
			p := path.Join(dirs[rng.Intn(len(dirs))], fmt.Sprintf("d%d-%d", boot, i))
			n := &soakNode{dir: true, uid: o[0], gid: o[1], mode: soakDirModes[rng.Intn(len(soakDirModes))]}
			m[p] = n
			cmds = append(cmds, "op mkdir "+p, fmt.Sprintf("op chown %d:%d %s", n.uid, n.gid, p), fmt.Sprintf("op chmod %04o %s", n.mode, p))
		case r < 5: // overwrite
			p := files[rng.Intn(len(files))]
			m[p].content = randText(rng, 400)
			cmds = append(cmds, fmt.Sprintf("op sh -c \"printf '%%s' %s >%s\"", m[p].content, p))
		case r < 6: // append
			p := files[rng.Intn(len(files))]
			more := randText(rng, 100)
			m[p].content += more
			cmds = append(cmds, fmt.Sprintf("op sh -c \"printf '%%s' %s >>%s\"", more, p))
		case r < 7: // owner and mode
			all := append(m.sorted(true), files...)
			p := all[rng.Intn(len(all))]
			n := m[p]
			n.uid, n.gid = o[0], o[1]
			if n.dir {
				n.mode = soakDirModes[rng.Intn(len(soakDirModes))]
			} else {
				n.mode = soakFileModes[rng.Intn(len(soakFileModes))]
			}
			cmds = append(cmds, fmt.Sprintf("op chown %d:%d %s", n.uid, n.gid, p), fmt.Sprintf("op chmod %04o %s", n.mode, p))
		case r < 8: // rename a file into any directory
			p := files[rng.Intn(len(files))]
			to := path.Join(dirs[rng.Intn(len(dirs))], fmt.Sprintf("r%d-%d", boot, i))
			m[to] = m[p]
			delete(m, p)
			cmds = append(cmds, fmt.Sprintf("op mv %s %s", p, to))
		case r < 9: // remove a file
			p := files[rng.Intn(len(files))]
			delete(m, p)
			cmds = append(cmds, "op rm "+p)
		default: // remove a directory and all beneath it
			ds := m.sorted(true)
			if len(ds) == 0 {
				continue
			}
			p := ds[rng.Intn(len(ds))]
			for _, q := range m.below(p) {
				delete(m, q)
			}
			delete(m, p)
			cmds = append(cmds, "op rm -r "+p)
		}
	}
	return cmds
}

// writeSoakChanges puts the changes at the start of partition 1 (1 MiB into
// the disk, sgdisk -n1:1M), in a 64 KiB block the guest reads raw.
func writeSoakChanges(disk string, cmds []string) error {
	text := "SOAK-OPS-BEGIN\n" + strings.Join(cmds, "\n") + "\nSOAK-OPS-END\n"
	if len(text) > 65536 {
		return fmt.Errorf("changes of %d bytes do not fit in 64 KiB", len(text))
	}
	block := make([]byte, 65536)
	copy(block, text)
	f, err := os.OpenFile(disk, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(block, 1<<20); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// diffLines says what want has that got lacks and the other way round.
func diffLines(got, want []string) string {
	in := func(l []string) map[string]bool {
		s := map[string]bool{}
		for _, x := range l {
			s[x] = true
		}
		return s
	}
	g, w := in(got), in(want)
	var b strings.Builder
	for _, x := range want {
		if !g[x] {
			fmt.Fprintf(&b, "  missing:    %s\n", x)
		}
	}
	for _, x := range got {
		if !w[x] {
			fmt.Fprintf(&b, "  unexpected: %s\n", x)
		}
	}
	return b.String()
}

func TestSoakBootsConverge(t *testing.T) {
	env, _, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	initrd := chainInitrd(t, env, "default", "")
	seed := runSeed(t, "SOAK")
	boots := envInt(t, "BLANKSLATE_SOAK_BOOTS", 3)
	rng := rand.New(rand.NewSource(seed))
	disk := filepath.Join(env.WorkDir, "soak.raw")
	if err := CopyDisk(golden, disk); err != nil {
		t.Fatal(err)
	}
	model := soakModel{}
	var baseline []string
	var took time.Duration
	for boot := 1; boot <= boots+1; boot++ {
		next := soakModel{}
		for p, n := range model {
			c := *n
			next[p] = &c
		}
		var cmds []string
		if boot <= boots {
			cmds = soakChanges(rng, next, boot)
		}
		if err := writeSoakChanges(disk, cmds); err != nil {
			t.Fatal(err)
		}
		br, err := env.Run(context.Background(), Boot{Initrd: initrd, Disk: disk, Timeout: 5 * time.Minute,
			Append: fmt.Sprintf("bstest.scenario=soak bstest.boot=%d %s", boot, chainCmdline)})
		took += br.Took
		fail := func(format string, a ...any) {
			t.Fatalf("soak seed %d (replay with BLANKSLATE_SOAK_SEED=%d), boot %d: %s\n--- console ---\n%s",
				seed, seed, boot, fmt.Sprintf(format, a...), br.Console)
		}
		if err != nil {
			fail("%v", err)
		}
		if ok, why := Verdict(br.Console, "soak", boot); !ok {
			fail("%s", why)
		}
		if err := checkUnitOrder(br.Console); err != nil {
			fail("%v", err)
		}
		root, err := section(br.Console, "SOAK-ROOT-BEGIN", "SOAK-ROOT-END")
		if err != nil {
			fail("%v", err)
		}
		if boot == 1 {
			baseline = lines(root)
		} else if d := diffLines(lines(root), baseline); d != "" {
			fail("the root is not what the first boot found:\n%s", d)
		}
		state, err := section(br.Console, "SOAK-STATE-BEGIN", "SOAK-STATE-END")
		if err != nil {
			fail("%v", err)
		}
		if d := diffLines(lines(state), model.manifest()); d != "" {
			fail("the persisted state differs from the model:\n%s", d)
		}
		if !strings.Contains(br.Console, "SOAK-OPS-APPLIED") {
			fail("the guest did not apply this boot's changes")
		}
		fmt.Printf("soak boot %2d: root blank, %3d persisted paths as modelled, %d shell commands of changes run (%.1f s)\n",
			boot, len(model), len(cmds), br.Took.Seconds())
		model = next
	}
	fmt.Printf("soak (seed %d): %d boots of one disk in %.0f s\n", seed, boots+1, took.Seconds())
	results.Lock()
	results.list = append(results.list, ScenarioResult{Name: fmt.Sprintf("soak-%d-boots (seed %d)", boots+1, seed), Passed: true, Took: took})
	results.Unlock()
}
