package testvm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// DiskSize is the raw image: a small ESP and the rest for rpool. Sparse on the host.
const DiskSize = 1 << 30

// MakeDisk creates a raw GPT disk (partition 1: 32 MiB ESP, partition 2: ZFS) and
// boots the make-disk scenario on it to lay out the seed's pool.
func (e *Env) MakeDisk(ctx context.Context, path, initrd string) (BootResult, error) {
	return e.MakeDiskOfSize(ctx, path, initrd, DiskSize)
}

// MakeDiskOfSize is MakeDisk with a disk of size bytes (the benchmark writes
// more than DiskSize to the root and keeps up to three such roots).
func (e *Env) MakeDiskOfSize(ctx context.Context, path, initrd string, size int64) (BootResult, error) {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return BootResult{}, err
	}
	f, err := os.Create(path)
	if err != nil {
		return BootResult{}, err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return BootResult{}, err
	}
	f.Close()
	sg := exec.Command("sgdisk", "-n1:1M:+32M", "-t1:EF00", "-c1:ESP", "-n2:0:0", "-t2:BF00", "-c2:rpool", path)
	if out, err := sg.CombinedOutput(); err != nil {
		return BootResult{}, fmt.Errorf("sgdisk: %v: %s", err, out)
	}
	res, err := e.Run(ctx, Boot{Initrd: initrd, Disk: path, Append: "bstest.scenario=make-disk", Timeout: 5 * time.Minute})
	if err != nil {
		return res, err
	}
	if ok, why := Verdict(res.Console, "make-disk", 1); !ok {
		return res, fmt.Errorf("make-disk: %s", why)
	}
	return res, nil
}

// CopyDisk copies a golden image, keeping it sparse.
func CopyDisk(src, dst string) error {
	out, err := exec.Command("cp", "--sparse=always", src, dst).CombinedOutput()
	if err != nil {
		return fmt.Errorf("copying %s: %v: %s", src, err, out)
	}
	return nil
}
