package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/blankslate/blankslate/config"
)

// runValidate is `blankslate validate [FILE]`: the configuration alone, as the boot
// would read it, with every problem listed; exit 0 valid, 2 not. It touches
// nothing else, so the NixOS module runs it at build time on the config.json
// it generates (as NixOS runs `sshd -t` on sshd_config).
func runValidate(args []string, stdout, stderr io.Writer) int {
	var path string
	var files []string
	if !parseWithPaths("validate", args, stderr, &files, func(fs *flag.FlagSet) {
		fs.StringVar(&path, "config", "", "configuration `file` (default "+config.DefaultPath+", else the built-in default); the same as naming FILE")
	}) {
		return exitUsage
	}
	// `validate FILE` is what people type first; it means --config FILE.
	switch {
	case len(files) > 1, len(files) == 1 && path != "" && path != files[0]:
		fmt.Fprintln(stderr, "blankslate validate: name one FILE, or --config FILE, not both: e.g. blankslate validate /etc/blankslate/config.json")
		return exitUsage
	case len(files) == 1:
		path = files[0]
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
