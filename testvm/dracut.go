package testvm

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// SystemdInitrd describes a dracut-built systemd initrd for the boot-chain tests.
type SystemdInitrd struct {
	UnitsDir string            // the repository's systemd/ (the one definition of the units)
	Config   string            // configuration JSON to install as /etc/blankslate/config.json ("" for none)
	Extra    map[string]string // more files: path in the image → content
	// Modules are dracut modules beyond the base set (e.g. "resume").
	Modules []string
	// WithoutBinary leaves the blankslate binary out of the image (the
	// benchmark's shell-unit initrd, and the bytes the binary adds).
	WithoutBinary bool
}

// blankslateUnits are the repository's units, enabled from their [Install]
// sections (installLinks).
var blankslateUnits = []string{"blankslate-rollback.service", "blankslate-persist.service"}

// installLinks are the links `systemctl enable` makes from a unit's [Install]
// section (WantedBy= and RequiredBy=). dracut does not run systemctl, so the
// harness makes them, every one: without sysroot.mount.requires/ the root is
// mounted although the rollback failed (see the rollback unit's comments).
func installLinks(unitFile string) (map[string]string, error) {
	data, err := os.ReadFile(unitFile)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(unitFile)
	links := map[string]string{}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = line
		case section == "[Install]":
			key, value, _ := strings.Cut(line, "=")
			dir := map[string]string{"WantedBy": ".wants", "RequiredBy": ".requires"}[key]
			if dir == "" {
				return nil, fmt.Errorf("%s: [Install] %s= is not handled by the test harness", name, key)
			}
			for _, target := range strings.Fields(value) {
				links[target+dir+"/"+name] = name
			}
		}
	}
	return links, nil
}

// enables are the links of the test's own units: the persistent mounts, the
// journal dump and the emergency-mode probe.
var enables = map[string]string{
	"initrd-fs.target.requires/sysroot-persist.mount":          "sysroot-persist.mount",
	"initrd-fs.target.requires/sysroot-nix.mount":              "sysroot-nix.mount",
	"initrd.target.wants/blankslate-test-journal.service":      "blankslate-test-journal.service",
	"emergency.target.wants/blankslate-test-emergency.service": "blankslate-test-emergency.service",
}

// testUnits are the test's own units: the persistent mounts NixOS would generate
// from fileSystems.<path>.neededForBoot, and a dump of the initrd's journal to the
// console just before switch-root, which the harness reads for the unit order.
var testUnits = map[string]string{
	"sysroot-persist.mount": zfsMount("rpool/nixos/persist", "/sysroot/persist"),
	"sysroot-nix.mount":     zfsMount("rpool/nixos/nix", "/sysroot/nix"),
	"blankslate-test-journal.service": `[Unit]
Description=test: dump the initrd journal to the console
DefaultDependencies=no
After=initrd-fs.target blankslate-persist.service
Before=initrd.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo JOURNAL-BEGIN; journalctl -b -o short-monotonic --no-pager; journalctl -b -p crit -o cat --no-pager | sed "s/^/CRIT: /"; echo JOURNAL-END'
StandardOutput=tty
TTYPath=/dev/console
`,
	// In emergency mode: wait a few seconds for whatever jobs survived the
	// isolate to emergency.target to run, then print what is mounted and the
	// journal so far. emergency.service (which powers off under
	// rd.emergency=poweroff) waits for it.
	"blankslate-test-emergency.service": `[Unit]
Description=test: what is mounted in emergency mode
DefaultDependencies=no
Before=emergency.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'sleep 8; echo EMERGENCY-BEGIN; cat /proc/self/mountinfo; journalctl -b -o short-monotonic --no-pager; echo EMERGENCY-END'
StandardOutput=tty
TTYPath=/dev/console
`,
}

func zfsMount(what, where string) string {
	return fmt.Sprintf(`[Unit]
Before=initrd-fs.target
After=zfs-import.target
[Mount]
What=%s
Where=%s
Type=zfs
`, what, where)
}

// BuildSystemdInitrd runs dracut (modules base systemd systemd-initrd
// dracut-systemd zfs; docs/initrd.md says why these) with blankslate,
// the units from UnitsDir, the test units and the configuration.
func (e *Env) BuildSystemdInitrd(out string, s SystemdInitrd) error {
	stage, err := os.MkdirTemp(e.WorkDir, "dracut-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	units := filepath.Join(stage, "units")
	links := map[string]string{}
	for link, target := range enables {
		links[link] = target
	}
	for _, name := range blankslateUnits {
		if err := copyFile(filepath.Join(s.UnitsDir, name), filepath.Join(units, name), 0o644); err != nil {
			return err
		}
		l, err := installLinks(filepath.Join(s.UnitsDir, name))
		if err != nil {
			return err
		}
		for link, target := range l {
			links[link] = target
		}
	}
	for name, body := range testUnits {
		if err := os.WriteFile(filepath.Join(units, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	for link, target := range links {
		p := filepath.Join(units, link)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.Symlink("../"+target, p); err != nil {
			return err
		}
	}
	args := []string{"--force", "--no-hostonly", "--quiet", "--kver", e.KVer,
		"--modules", strings.Join(append([]string{"base systemd systemd-initrd dracut-systemd zfs"}, s.Modules...), " "), "--drivers", "virtio_blk",
		"--install", "journalctl",
		"--include", units, "/etc/systemd/system",
	}
	if !s.WithoutBinary {
		args = append(args, "--include", e.Binary, "/usr/bin/blankslate")
	}
	if s.Config != "" {
		cfg := filepath.Join(stage, "config.json")
		if err := os.WriteFile(cfg, []byte(s.Config), 0o644); err != nil {
			return err
		}
		args = append(args, "--include", cfg, "/etc/blankslate/config.json")
	}
	for dst, body := range s.Extra {
		src := filepath.Join(stage, "extra", filepath.Base(dst))
		if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(src, []byte(body), 0o755); err != nil {
			return err
		}
		args = append(args, "--include", src, dst)
	}
	args = append(args, out)
	cmd := exec.Command("dracut", args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("dracut: %v\n%s", err, msg)
	}
	return nil
}

// AppendFiles copies the image img to out with files (path in the image →
// content) and symlinks (path → target) added in an uncompressed cpio at its
// end: the kernel unpacks an initramfs of several archives, compressed or not,
// in order, a later file replacing an earlier one
// (Documentation/driver-api/early-userspace/buffer-format.rst). The benchmark
// adds thousands of generated units this way; dracut takes minutes for them.
func AppendFiles(img, out string, files, symlinks map[string]string) error {
	stage, err := os.MkdirTemp(filepath.Dir(out), "append-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	for p, body := range files {
		dst := filepath.Join(stage, p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, []byte(body), 0o644); err != nil {
			return err
		}
	}
	for p, target := range symlinks {
		dst := filepath.Join(stage, p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(target, dst); err != nil {
			return err
		}
	}
	if err := copyFile(img, out, 0o644); err != nil {
		return err
	}
	// The kernel takes an archive for a cpio only at an offset that is a
	// multiple of 4 and skips zero bytes between archives.
	if err := padTo4(out); err != nil {
		return err
	}
	return writeCpio(stage, out, true)
}

func padTo4(p string) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err == nil && st.Size()%4 != 0 {
		_, err = f.Write(make([]byte, 4-st.Size()%4))
	}
	return errors.Join(err, f.Close())
}
