package testvm

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
)

// Env is what every VM boot needs: the guest kernel and a scratch directory.
type Env struct {
	Kernel string // /boot/vmlinuz-<KVer>
	KVer   string // e.g. 6.12.95+deb12-amd64
	Binary string // the static blankslate binary to put in the initramfs
	// FaultBinary, when set, is the fault-injection build of the same source
	// (build tag faultinject), put in the initramfs as blankslate-faultinject
	// for the power-cut scenarios; the release binary has no such hook.
	FaultBinary string
	WorkDir     string // scratch space for images
}

// tools the harness runs on the host, with the package that provides each.
var tools = map[string]string{
	"qemu-system-x86_64": "qemu-system-x86",
	"cpio":               "cpio",
	"sgdisk":             "gdisk",
	"setfattr":           "attr",
	"modprobe":           "kmod",
	"xz":                 "xz-utils",
	"time":               "time",
}

// NewEnv finds the guest kernel and its ZFS module and checks the host tools.
// Every error names what to install.
func NewEnv(binary, workDir string) (*Env, error) {
	var missing []string
	for tool, pkg := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, fmt.Sprintf("%s (package %s)", tool, pkg))
		}
	}
	if _, err := os.Stat("/bin/busybox"); err != nil {
		missing = append(missing, "/bin/busybox (package busybox-static)")
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing on this host: %v; run testvm/install-deps.sh", missing)
	}
	kernels, _ := filepath.Glob("/boot/vmlinuz-6.12.*-amd64")
	if len(kernels) == 0 {
		return nil, errors.New("no /boot/vmlinuz-6.12.*-amd64: install linux-image-amd64 from bookworm-backports (testvm/install-deps.sh)")
	}
	sort.Strings(kernels)
	kernel := kernels[len(kernels)-1]
	kver := filepath.Base(kernel)[len("vmlinuz-"):]
	if mods, _ := filepath.Glob("/lib/modules/" + kver + "/updates/dkms/zfs.ko*"); len(mods) == 0 {
		return nil, fmt.Errorf("no ZFS module for %s: zfs-dkms did not build it (testvm/install-deps.sh)", kver)
	}
	if st, err := os.Stat(binary); err != nil || st.IsDir() {
		return nil, fmt.Errorf("blankslate binary %q not found: run `make build` first", binary)
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, err
	}
	return &Env{Kernel: kernel, KVer: kver, Binary: binary, WorkDir: workDir}, nil
}
