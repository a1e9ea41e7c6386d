//go:build vm && userland

package testvm

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A Debian 12 userland as the blank root (make userland-test): built with
// mmdebstrap from the apt sources below, cached outside the repository keyed by
// everything that goes into it, then prepared on the host (kernel modules,
// `make install`, the configuration, the persisted paths moved out) and given an
// initrd made by its own dracut with the 90blankslate module.

const userlandSuite = "bookworm"

// userlandPackages: systemd as PID 1, sshd, and OpenZFS 2.3 with its libraries
// from bookworm-backports (apt refuses the mix with 2.1's libraries), and dracut
// for the initrd. zfs-dracut is installed by a hook (userlandHooks).
var userlandPackages = []string{
	"systemd-sysv", "udev", "dbus", "openssh-server", "kmod", "iproute2", "procps", "dracut",
	"zfsutils-linux/bookworm-backports",
	"libuutil3linux/bookworm-backports", "libnvpair3linux/bookworm-backports",
	"libzfs6linux/bookworm-backports", "libzpool6linux/bookworm-backports",
	"libzfsbootenv1linux/bookworm-backports",
}

const userlandSources = `Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates bookworm-backports
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`

// zfs-dracut depends on "zfs-modules | zfs-dkms"; the guest kernel's modules
// (with the zfs.ko the host's dkms built) are copied in, so a package says so
// instead of zfs-dkms compiling them again inside the tree. mmdebstrap 1.3's
// --include of a local .deb fails in root mode (dpkg cannot stat the copy), so
// a customize hook installs the two.
func userlandHooks(deb string) []string {
	return []string{
		"--customize-hook=copy-in " + deb + " /tmp",
		`--customize-hook=chroot "$1" apt-get install -y --no-install-recommends /tmp/` + filepath.Base(deb) + " zfs-dracut/bookworm-backports",
		`--customize-hook=rm "$1"/tmp/` + filepath.Base(deb),
	}
}

const zfsModulesControl = `Package: blankslate-guest-zfs-modules
Version: 1
Architecture: all
Maintainer: blankslate test harness <root@localhost>
Provides: zfs-modules
Description: the guest kernel's ZFS modules, copied in by the test harness
`

// junkControl is the package boot 1 installs with dpkg -i.
const junkControl = `Package: blankslate-test-junk
Version: 1
Architecture: all
Maintainer: blankslate test harness <root@localhost>
Description: junk installed in boot 1, gone in boot 2
`

// Userland is the cached mmdebstrap tarball.
type Userland struct {
	Tar   string
	Built bool          // built in this run (not from the cache)
	Took  time.Duration // mmdebstrap's time when built
	Size  int64         // bytes of the tarball
}

func userlandKey() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s minbase\n%s\n%s\n%q\n", userlandSuite, userlandSources, zfsModulesControl, userlandHooks("zfs-modules.deb"))
	for _, p := range userlandPackages {
		fmt.Fprintln(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// UserlandTarball returns the cached tarball for the package list, building it
// with mmdebstrap when the cache has none.
func UserlandTarball(cacheDir string) (Userland, error) {
	path := filepath.Join(cacheDir, "debian12-"+userlandKey()+".tar")
	if st, err := os.Stat(path); err == nil {
		return Userland{Tar: path, Size: st.Size()}, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return Userland{}, err
	}
	tmp, err := os.MkdirTemp(cacheDir, "build-")
	if err != nil {
		return Userland{}, err
	}
	defer os.RemoveAll(tmp)
	sources := filepath.Join(tmp, "userland.sources")
	if err := os.WriteFile(sources, []byte(userlandSources), 0o644); err != nil {
		return Userland{}, err
	}
	deb := filepath.Join(tmp, "zfs-modules.deb")
	if err := buildDeb(deb, zfsModulesControl, nil); err != nil {
		return Userland{}, err
	}
	start := time.Now()
	part := path + ".part"
	args := append([]string{"--variant=minbase", "--format=tar", "--include=" + strings.Join(userlandPackages, ",")},
		userlandHooks(deb)...)
	if err := run("mmdebstrap", append(args, userlandSuite, part, sources)...); err != nil {
		return Userland{}, err
	}
	if err := os.Rename(part, path); err != nil {
		return Userland{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return Userland{}, err
	}
	return Userland{Tar: path, Built: true, Took: time.Since(start), Size: st.Size()}, nil
}

// buildDeb makes a package from a control file and files (path → content).
func buildDeb(out, control string, files map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp(filepath.Dir(out), "deb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files = mapWith(files, "DEBIAN/control", control)
	for p, body := range files {
		if err := writeFileAll(filepath.Join(dir, p), body, 0o644); err != nil {
			return err
		}
	}
	return run("dpkg-deb", "--root-owner-group", "--build", dir, out)
}

func mapWith(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}

func writeFileAll(p, body string, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(body), mode)
}

// run runs a command and returns its output in the error when it fails.
func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tailOf(string(out), 3000))
	}
	return nil
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
