package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command describes itself on stdout with exit 0, whichever way help is
// asked for, listing the flags it really takes (those here are the ones each
// run* function defines).
func TestHelpOfEveryCommandIsOnStdoutWithExitZero(t *testing.T) {
	flags := map[string][]string{
		"rollback": {"--config FILE", "--force"},
		"persist":  {"--config FILE", "--root DIR", "--force", "--verbose", "--maps-from DIR"},
		"audit":    {"--config FILE", "--root DIR"},
		"check":    {"--config FILE", "--root DIR", "--json", "--mount"},
		"diff":     {"--config FILE", "--json"},
		"validate": {"--config FILE"},
		"roots":    {"--config FILE", "--json"},
		"restore":  {"--config FILE", "--from NAME", "--to DIR", "--force"},
		"adopt":    {"--config FILE", "--how"},
		"version":  nil,
		"help":     nil,
	}
	positional := map[string]string{"validate": "[FILE]", "restore": "PATH…", "adopt": "PATH", "help": "[COMMAND]"}
	for name, want := range flags {
		for _, args := range [][]string{{"help", name}, {name, "--help"}, {name, "-h"}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				var out, errb bytes.Buffer
				if got := run(args, &out, &errb); got != exitOK {
					t.Errorf("exit %d, want 0; stderr: %s", got, errb.String())
				}
				if errb.Len() > 0 {
					t.Errorf("help wrote to stderr: %s", errb.String())
				}
				usage := "usage: blankslate " + name
				if p := positional[name]; p != "" {
					usage += " " + p
				}
				for _, s := range append([]string{"blankslate " + name + ": ", usage}, want...) {
					if !strings.Contains(out.String(), s) {
						t.Errorf("help lacks %q:\n%s", s, out.String())
					}
				}
			})
		}
	}
}

// Every command that runs has words for help, and every command help lists
// runs: a command added to one and not the other fails here.
func TestEveryCommandHasHelpAndEveryHelpARunner(t *testing.T) {
	for _, c := range commands {
		if runner(c.name) == nil {
			t.Errorf("%s is in the help but nothing runs it", c.name)
		}
		if !c.hidden && (c.summary == "" || c.about == "") {
			t.Errorf("%s has no summary or description", c.name)
		}
	}
	for _, c := range builtins {
		if runner(c.name) != nil {
			t.Errorf("%s is run() 's own but has a runner too", c.name)
		}
	}
}

func TestHelpIsFoundAfterArgumentsAndNotAfterDoubleDash(t *testing.T) {
	var out, errb bytes.Buffer
	if got := run([]string{"restore", "/etc/nixos", "--help"}, &out, &errb); got != exitOK || !strings.Contains(out.String(), "usage: blankslate restore") {
		t.Errorf("restore PATH --help: exit %d, stdout %q", got, out.String())
	}
	out.Reset()
	if got := run([]string{"validate", "--", "--help"}, &out, &errb); got != exitUsage || strings.Contains(out.String(), "usage:") {
		t.Errorf("validate -- --help: exit %d (want 2: no file --help), stdout %q", got, out.String())
	}
}

func TestTheCommandListIsOnStdoutForHelpAndStderrForNothing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		exit int
		on   string
	}{
		{"help", []string{"help"}, exitOK, "stdout"},
		{"--help", []string{"--help"}, exitOK, "stdout"},
		{"no command at all", nil, exitUsage, "stderr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run(tc.args, &out, &errb)
			text := map[string]string{"stdout": out.String(), "stderr": errb.String()}[tc.on]
			if got != tc.exit || !strings.Contains(text, "  restore   copy paths back from a kept root") {
				t.Errorf("exit %d (want %d), %s: %q", got, tc.exit, tc.on, text)
			}
		})
	}
}

func TestUnknownCommandsAndFlagsSuggestTheNearest(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a transposition", []string{"chekc"}, `unknown command "chekc"; did you mean check?`},
		{"a missing letter", []string{"valdate"}, "did you mean validate?"},
		{"help of a misspelt command", []string{"help", "rots"}, "did you mean roots?"},
		{"nothing near", []string{"explode"}, "unknown command \"explode\"\nRun blankslate help"},
		{"a misspelt flag", []string{"diff", "--jsn"}, "unknown flag --jsn; did you mean --json?"},
		{"a misspelt flag after a path", []string{"restore", "/etc", "--forse"}, "unknown flag --forse; did you mean --force?"},
		{"a flag of another command", []string{"check", "--how", "bind"}, "unknown flag --how\nRun blankslate help check"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := run(tc.args, &out, &errb); got != exitUsage {
				t.Errorf("exit %d, want 2", got)
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr lacks %q: %q", tc.want, errb.String())
			}
		})
	}
}

func TestValidateTakesTheFileAsItsArgument(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	write(t, good, `{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":[]}`)
	write(t, bad, "{\n  \"pool\": \"rpool\"\n  \"dataset\": \"rpool/nixos/empty\"\n}\n")
	tests := []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"FILE", []string{"validate", good}, exitOK, good + " is valid"},
		{"--config FILE", []string{"validate", "--config", good}, exitOK, good + " is valid"},
		{"FILE and --config naming it", []string{"validate", good, "--config", good}, exitOK, good + " is valid"},
		{"a syntax error names line and column", []string{"validate", bad}, exitUsage, "line 3, column 3: invalid character"},
		{"two files", []string{"validate", good, bad}, exitUsage, "name one FILE"},
		{"FILE and a different --config", []string{"validate", "--config", bad, good}, exitUsage, "name one FILE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := run(tc.args, &out, &errb); got != tc.exit {
				t.Errorf("exit %d, want %d; stderr %s", got, tc.exit, errb.String())
			}
			if !strings.Contains(out.String()+errb.String(), tc.want) {
				t.Errorf("output lacks %q: %s%s", tc.want, out.String(), errb.String())
			}
		})
	}
}

// A script reading stdout of a --json command gets JSON when it fails too: the
// configuration is refused before ZFS is touched, so this holds on any machine.
func TestJSONCommandsPrintJSONWhenTheyFail(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	write(t, bad, `{"pool":"rpool","dataset":"rpool","snapshot":"s"}`)
	for _, tc := range []struct{ cmd, schema string }{{"diff", "blankslate.diff/1"}, {"roots", "blankslate.roots/1"}} {
		t.Run(tc.cmd, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run([]string{tc.cmd, "--json", "--config", bad}, &out, &errb)
			var doc jsonFailure
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("stdout is not JSON (%v): %q", err, out.String())
			}
			if got != exitUsage || doc.Schema != tc.schema || doc.Result != "config-invalid" || doc.ExitStatus != got ||
				!strings.Contains(doc.Error, "is the pool's root dataset") {
				t.Errorf("exit %d, document %+v", got, doc)
			}
			if !strings.Contains(errb.String(), "is the pool's root dataset") {
				t.Errorf("stderr lacks the error: %q", errb.String())
			}
		})
	}
}

func TestCheckJSONWithABadRootIsAJSONUsageError(t *testing.T) {
	var out, errb bytes.Buffer
	got := run([]string{"check", "--json", "--root", "sysroot"}, &out, &errb)
	var doc jsonFailure
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("stdout is not JSON (%v): %q", err, out.String())
	}
	if got != exitUsage || doc.Schema != "blankslate.check/1" || doc.Result != "usage" || doc.ExitStatus != exitUsage ||
		!strings.Contains(doc.Error, "must be an absolute, clean path") {
		t.Errorf("exit %d, document %+v", got, doc)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
