package testvm

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// guestTools are host programs copied into the initramfs with their libraries.
var guestTools = []string{"/sbin/zfs", "/sbin/zpool", "/usr/bin/setfattr", "/usr/bin/getfattr", "/usr/bin/time"}

// BuildInitramfs writes an uncompressed newc cpio (the kernel unpacks it without
// a decompressor, which is faster under emulation) holding busybox, the zfs tools,
// the modules for ZFS and virtio disks, blankslate, and the guest scripts from
// guestDir. extra maps host files to paths in the image.
func (e *Env) BuildInitramfs(out, guestDir string, extra map[string]string) error {
	stage, err := os.MkdirTemp(e.WorkDir, "initramfs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	steps := []func(string) error{
		installBusybox,
		func(s string) error { return e.installModules(s) },
		func(s string) error { return installTools(s, guestTools) },
		func(s string) error { return copyFile(e.Binary, filepath.Join(s, "bin/blankslate"), 0o755) },
		func(s string) error { return e.installFaultBinary(s) },
		func(s string) error { return copyGuest(guestDir, s) },
	}
	for _, step := range steps {
		if err := step(stage); err != nil {
			return fmt.Errorf("building initramfs: %w", err)
		}
	}
	// The pool's hostid must match across the busybox and the dracut initrds, or
	// the systemd initrd's `zpool import -aN` refuses a pool "in use by another
	// system"; dracut copies the host's /etc/hostid, so this image does too.
	if _, err := os.Stat("/etc/hostid"); err == nil {
		if extra == nil {
			extra = map[string]string{}
		}
		extra["/etc/hostid"] = "etc/hostid"
	}
	for src, dst := range extra {
		if err := copyFile(src, filepath.Join(stage, dst), 0o755); err != nil {
			return fmt.Errorf("building initramfs: %w", err)
		}
	}
	return writeCpio(stage, out, false)
}

func installBusybox(stage string) error {
	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "run", "mnt", "lib64"} {
		if err := os.MkdirAll(filepath.Join(stage, d), 0o755); err != nil {
			return err
		}
	}
	if err := copyFile("/bin/busybox", filepath.Join(stage, "bin/busybox"), 0o755); err != nil {
		return err
	}
	list, err := exec.Command("/bin/busybox", "--list").Output()
	if err != nil {
		return fmt.Errorf("busybox --list: %w", err)
	}
	for _, name := range strings.Fields(string(list)) {
		link := filepath.Join(stage, "bin", name)
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink("busybox", link); err != nil {
			return err
		}
	}
	return nil
}

// installModules copies zfs and virtio_blk with their dependencies, decompressed,
// and writes their load order (modprobe --show-depends) to /modules/order.
func (e *Env) installModules(stage string) error {
	out, err := exec.Command("modprobe", "-S", e.KVer, "--show-depends", "-a", "virtio_blk", "zfs").Output()
	if err != nil {
		return fmt.Errorf("modprobe --show-depends for %s: %w", e.KVer, err)
	}
	dir := filepath.Join(stage, "modules")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var order []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || f[0] != "insmod" || seen[f[1]] {
			continue
		}
		seen[f[1]] = true
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f[1]), ".xz"), ".zst")
		if err := decompress(f[1], filepath.Join(dir, name)); err != nil {
			return err
		}
		order = append(order, name)
	}
	return os.WriteFile(filepath.Join(dir, "order"), []byte(strings.Join(order, "\n")+"\n"), 0o644)
}

func decompress(src, dst string) error {
	var cmd *exec.Cmd
	switch {
	case strings.HasSuffix(src, ".xz"):
		cmd = exec.Command("xz", "-dc", src)
	case strings.HasSuffix(src, ".zst"):
		cmd = exec.Command("zstd", "-dc", src)
	default:
		return copyFile(src, dst, 0o644)
	}
	data, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("decompressing %s: %w", src, err)
	}
	return os.WriteFile(dst, data, 0o644)
}

// installTools copies each program and the shared libraries ldd names for it.
func installTools(stage string, progs []string) error {
	for _, p := range progs {
		if err := copyFile(p, filepath.Join(stage, p), 0o755); err != nil {
			return err
		}
		libs, err := sharedLibs(p)
		if err != nil {
			return err
		}
		for _, lib := range libs {
			if err := copyFile(lib, filepath.Join(stage, lib), 0o755); err != nil {
				return err
			}
		}
	}
	return nil
}

func sharedLibs(prog string) ([]string, error) {
	out, err := exec.Command("ldd", prog).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", prog, err)
	}
	var libs []string
	for _, line := range strings.Split(string(out), "\n") {
		for _, f := range strings.Fields(line) {
			if strings.HasPrefix(f, "/") {
				libs = append(libs, f)
				break
			}
		}
	}
	return libs, nil
}

func copyGuest(guestDir, stage string) error {
	files := []string{"init", "lib.sh", "stage2"}
	scen, _ := filepath.Glob(filepath.Join(guestDir, "scenarios", "*.sh"))
	for _, s := range scen {
		files = append(files, filepath.Join("scenarios", filepath.Base(s)))
	}
	for _, f := range files {
		if err := copyFile(filepath.Join(guestDir, f), filepath.Join(stage, f), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies the content src resolves to (following symlinks) to dst.
func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return out.Close()
}

// writeCpio writes the tree at stage as an uncompressed newc cpio to out, or
// appends it to out.
func writeCpio(stage, out string, appendTo bool) error {
	redirect := " > "
	if appendTo {
		redirect = " >> "
	}
	cmd := exec.Command("sh", "-c", "find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0"+redirect+shellQuote(out))
	cmd.Dir = stage
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cpio: %v: %s", err, msg)
	}
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// installFaultBinary puts the fault-injection build beside the release one.
func (e *Env) installFaultBinary(stage string) error {
	if e.FaultBinary == "" {
		return nil
	}
	return copyFile(e.FaultBinary, filepath.Join(stage, "bin/blankslate-faultinject"), 0o755)
}
