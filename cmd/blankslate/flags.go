package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/blankslate/blankslate/config"
)

// initrdRelease marks a systemd initrd; rollback and persist act only there.
const initrdRelease = "/etc/initrd-release"

// common are the flags every acting subcommand shares.
type common struct {
	config string
	force  bool
	root   string
}

// parseFlags parses a subcommand's flags; ok is false on a usage error, already
// reported on stderr.
func parseFlags(name string, args []string, stderr io.Writer, define func(*flag.FlagSet)) bool {
	fs := flag.NewFlagSet("blankslate "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	define(fs)
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "blankslate %s: unexpected argument %q\n", name, fs.Arg(0))
		return false
	}
	return true
}

func inInitrd() bool {
	_, err := os.Stat(initrdRelease)
	return err == nil
}

// policyOf reads the failure policy even from a configuration that does not
// validate, so that a broken file in the initrd still gets the policy its author
// asked for; anything unreadable means the safe default, emergency.
func policyOf(path string) string {
	if path == "" {
		path = config.DefaultPath
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return config.PolicyEmergency
	}
	var v struct {
		OnFailure string `json:"onFailure"`
	}
	if json.Unmarshal(data, &v) == nil && v.OnFailure == config.PolicyContinue {
		return config.PolicyContinue
	}
	return config.PolicyEmergency
}
