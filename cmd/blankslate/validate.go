package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/blankslate/blankslate/config"
)

// runValidate is `blankslate validate`: the configuration alone, as the boot
// would read it, with every problem listed; exit 0 valid, 2 not. It touches
// nothing else, so the NixOS module runs it at build time on the config.json
// it generates (as NixOS runs `sshd -t` on sshd_config).
func runValidate(args []string, stdout, stderr io.Writer) int {
	var path string
	if !parseFlags("validate", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&path, "config", "", "configuration `file` (default "+config.DefaultPath+", else the built-in default)")
	}) {
		return exitUsage
	}
	cfg, from, err := config.Load(path)
	if err != nil {
		fmt.Fprintf(stderr, "blankslate validate: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "blankslate validate: %s is valid: roll back %s, %d entries from %s, onFailure=%s\n",
		from, cfg.SnapshotName(), len(cfg.Entries), cfg.PersistRoot, cfg.OnFailure)
	return exitOK
}
