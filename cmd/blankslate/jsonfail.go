package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// Result values of a --json document that could not be produced; check's
// ResultConfigInvalid and these share the spelling and the fields of check's
// head (schema, version, result, exitStatus).
const (
	resultFailed        = "failed"
	resultConfigInvalid = "config-invalid" // check.ResultConfigInvalid
	resultUsage         = "usage"
)

// jsonFailure is what a --json command prints on stdout when it fails, so that
// a script reading stdout gets JSON either way. The same words go to stderr.
type jsonFailure struct {
	Schema     string `json:"schema"`
	Version    string `json:"version"`
	Result     string `json:"result"`
	ExitStatus int    `json:"exitStatus"`
	Error      string `json:"error"`
}

// failed reports err on stderr ("blankslate NAME: err"), and as a JSON object
// on stdout when asJSON; it returns exit.
func failed(stdout, stderr io.Writer, name string, asJSON bool, schema, result string, exit int, err error) int {
	msg := fmt.Sprintf("blankslate %s: %v", name, err)
	fmt.Fprintln(stderr, msg)
	if !asJSON {
		return exit
	}
	b, jerr := json.MarshalIndent(jsonFailure{Schema: schema, Version: version, Result: result, ExitStatus: exit, Error: msg}, "", "  ")
	if jerr == nil {
		fmt.Fprintf(stdout, "%s\n", b)
	}
	return exit
}
