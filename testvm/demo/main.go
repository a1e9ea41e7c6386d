// Command demo is `make demo`: it builds the seed's disk, a real systemd initrd
// with blankslate in it, and boots twice under qemu, narrating what was written in
// boot 1, what boot 2 found, and which unit ran when (testvm.Env.Demo; TestDemo
// runs the same in `make test`).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blankslate/blankslate/testvm"
)

func main() {
	bin := flag.String("binary", "bin/blankslate", "the static blankslate binary")
	work := flag.String("work", "/var/tmp/blankslate-demo", "scratch directory; each run makes a directory of its own in it")
	flag.Parse()
	if err := run(*bin, *work); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func run(bin, work string) error {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	// A directory per run: two demos at once never share a disk image.
	dir, err := os.MkdirTemp(work, "run-")
	if err != nil {
		return err
	}
	env, err := testvm.NewEnv(abs, dir)
	if err != nil {
		return err
	}
	err = env.Demo(context.Background(), dir, "testvm/guest", "systemd", os.Stdout)
	if err != nil {
		return fmt.Errorf("%w\n(the disk, initrds and consoles are kept in %s)", err, dir)
	}
	// The consoles stay for reading; the images (over a GiB) go.
	for _, pattern := range []string{"*.raw", "*.img", "*.cpio"} {
		images, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, f := range images {
			os.Remove(f)
		}
	}
	return nil
}
