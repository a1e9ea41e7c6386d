//go:build vm && userland

package testvm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// userlandFiles are the test's files in the userland (testvm/userland/ → path).
var userlandFiles = map[string]string{
	"config.json":                       "etc/blankslate/config.json",
	"initrd.fstab":                      "etc/blankslate/initrd.fstab",
	"dracut-blankslate.conf":            "etc/dracut.conf.d/blankslate.conf",
	"fstab":                             "etc/fstab",
	"host-keys.conf":                    "etc/systemd/system/ssh.service.d/host-keys.conf",
	"blankslate-userland-test.service":  "etc/systemd/system/blankslate-userland-test.service",
	"blankslate-test-firstboot.service": "etc/systemd/system/blankslate-test-firstboot.service",
	"check.sh":                          "usr/local/lib/blankslate-test/check.sh",
}

// persistedDirs are the configuration's bind entries: their content moves from
// the root to the persistent root, an empty directory stays as the mount point
// (persist refuses to mount over data). /etc/machine-id, a symlink entry, is
// removed: the first boot's persist makes the persistent copy ("uninitialized").
var persistedDirs = []string{"etc/ssh", "var/log", "var/lib/systemd"}

// PreparedUserland is the root and the persistent root, as tars for the disk,
// and the initrd the userland's own dracut made.
type PreparedUserland struct {
	RootTar, PersistTar, Initrd string
}

// PrepareUserland unpacks the tarball into dir and makes it the test's system.
func (e *Env) PrepareUserland(u Userland, dir, repo string) (PreparedUserland, error) {
	root, persist := filepath.Join(dir, "root"), filepath.Join(dir, "persist")
	if err := os.RemoveAll(dir); err != nil {
		return PreparedUserland{}, err
	}
	for _, d := range []string{root, persist} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return PreparedUserland{}, err
		}
	}
	steps := []struct {
		what string
		do   func() error
	}{
		{"unpack", func() error { return run("tar", "-xpf", u.Tar, "-C", root) }},
		{"kernel modules", func() error {
			if err := os.MkdirAll(filepath.Join(root, "usr/lib/modules"), 0o755); err != nil {
				return err
			}
			return run("cp", "-a", "/lib/modules/"+e.KVer, filepath.Join(root, "usr/lib/modules/"))
		}},
		{"hostid", func() error { return copyIfExists("/etc/hostid", filepath.Join(root, "etc/hostid")) }},
		{"make install", func() error { return run("make", "-s", "-C", repo, "install", "DESTDIR="+root) }},
		{"test files", func() error { return installUserlandFiles(filepath.Join(repo, "testvm/userland"), root) }},
		{"junk package", func() error {
			return buildDeb(filepath.Join(root, "usr/share/blankslate-test/blankslate-test-junk.deb"), junkControl,
				map[string]string{"usr/share/blankslate-test-junk/marker": "junk\n"})
		}},
		{"enable", func() error {
			return run("chroot", root, "systemctl", "enable", "blankslate-audit.service",
				"blankslate-userland-test.service", "blankslate-test-firstboot.service")
		}},
		{"persisted paths", func() error { return movePersisted(root, persist) }},
		{"dracut", func() error { return e.userlandDracut(root) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return PreparedUserland{}, fmt.Errorf("preparing the userland: %s: %w", s.what, err)
		}
	}
	p := PreparedUserland{RootTar: filepath.Join(dir, "root.tar"), PersistTar: filepath.Join(dir, "persist.tar"),
		Initrd: filepath.Join(dir, "initrd.img")}
	if err := copyFile(filepath.Join(root, "boot/initrd.img-"+e.KVer), p.Initrd, 0o644); err != nil {
		return p, err
	}
	// GNU format with numeric owners: busybox tar unpacks it in the guest.
	for tarball, src := range map[string]string{p.RootTar: root, p.PersistTar: persist} {
		if err := run("tar", "--format=gnu", "--numeric-owner", "-cf", tarball, "-C", src,
			"--exclude=./dev/*", "--exclude=./proc/*", "--exclude=./sys/*", "--exclude=./run/*", "."); err != nil {
			return p, err
		}
	}
	return p, nil
}

func copyIfExists(src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return nil
	}
	return copyFile(src, dst, 0o644)
}

func installUserlandFiles(from, root string) error {
	for name, dst := range userlandFiles {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := copyFile(filepath.Join(from, name), filepath.Join(root, dst), mode); err != nil {
			return err
		}
		if err := os.Chmod(filepath.Join(root, dst), mode); err != nil {
			return err
		}
	}
	return os.MkdirAll(filepath.Join(root, "persist"), 0o755)
}

// movePersisted moves the bind entries' content to the persistent root, leaves
// their mount points empty, drops the host keys mmdebstrap's sshd made and the
// machine-id, so that @start holds neither.
func movePersisted(root, persist string) error {
	for _, d := range persistedDirs {
		dst := filepath.Join(persist, d)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(root, d), dst); err != nil {
			return err
		}
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	keys, _ := filepath.Glob(filepath.Join(persist, "etc/ssh/ssh_host_*"))
	for _, k := range keys {
		if err := os.Remove(k); err != nil {
			return err
		}
	}
	if err := os.Remove(filepath.Join(root, "etc/machine-id")); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// userlandDracut runs the userland's own dracut in it, in a mount namespace of
// its own (the /dev, /proc and /sys it needs vanish with it): the modules named
// are those the harness's initrds use, the blankslate module comes from
// /etc/dracut.conf.d/blankslate.conf (add_dracutmodules), not from the command line.
func (e *Env) userlandDracut(root string) error {
	script := `set -e
mount --rbind /dev "$1/dev"
mount -t proc proc "$1/proc"
mount -t sysfs sys "$1/sys"
chroot "$1" dracut --force --no-hostonly --no-compress \
	--modules "base systemd systemd-initrd dracut-systemd zfs" --drivers virtio_blk \
	--kver "$2" "/boot/initrd.img-$2"`
	return run("unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", root, e.KVer)
}
