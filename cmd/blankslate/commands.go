package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// command is one subcommand as `blankslate help` presents it. Its flags are not
// listed here: help asks the subcommand's own flag set (runHelp), so that the
// two cannot disagree.
type command struct {
	name    string
	args    string // the positional arguments, as the usage line shows them
	summary string // one line, for the list of commands
	about   string // a paragraph, for `blankslate help NAME`
	hidden  bool   // run by blankslate itself, not by people
}

// commands in the order the usage lists them; runner says what runs each.
var commands = []command{
	{name: "rollback", summary: "roll the root dataset back to its blank snapshot (initrd)",
		about: "Run by blankslate-rollback.service in the systemd initrd, before the root is mounted: " +
			"rolls the root dataset back to its blank snapshot, keeping the root the last boot left when " +
			"keep.roots asks for it. Refuses outside an initrd unless --force."},
	{name: "persist", summary: "attach the declared paths from the persistent root (initrd)",
		about: "Run by blankslate-persist.service in the systemd initrd, once the root is mounted at /sysroot: " +
			"bind-mounts or symlinks every declared entry from the persistent root into the new root. " +
			"Refuses outside an initrd unless --force."},
	{name: "audit", summary: "record what the previous boot wrote to its root",
		about: "Run by blankslate-audit.service after switch-root: lists what each root the rollback set aside " +
			"had written since its blank snapshot, and saves the record beneath the persistent root " +
			"(blankslate roots shows it)."},
	{name: "check", summary: "read-only health check, for a person or a rescue shell",
		about: "Checks the configuration, the pool, the blank snapshot, the persistent root and every attachment, " +
			"changing nothing. Problems come first; the ok findings are counted (--all lists them). " +
			"With --root DIR outside an initrd (a rescued system mounted at /mnt), the configuration is that system's: " +
			"DIR/nix/var/nix/profiles/system/etc/blankslate/config.json (NixOS), else DIR/etc/blankslate/config.json, " +
			"its links followed beneath DIR; the report names the file. " +
			"Exit 0 no problem found and everything checked, 1 problems found, 2 usage or configuration error, " +
			"3 no problem found but some part not checked (such as the persistent dataset not mounted): not known to be healthy. " +
			"docs/rescue.md says how to use it from a rescue system."},
	{name: "diff", summary: "list what the next boot erases",
		about: "Lists the changes on the root dataset since its blank snapshot that no declared entry keeps: " +
			"what the next boot's rollback erases. Changes nothing."},
	{name: "validate", args: "[FILE]", summary: "check a configuration file alone",
		about: "Reads the configuration as the boot would and lists every problem; FILE is the same as --config FILE. " +
			"Exit 0 valid, 2 not. Touches nothing else: the NixOS module runs it at build time."},
	{name: "roots", summary: "list the kept roots, newest first",
		about: "Lists the roots earlier boots set aside (keep.roots), newest first, with what each boot wrote " +
			"when the audit recorded it. Boot one with blankslate.root=NAME; copy from one with blankslate restore."},
	{name: "restore", args: "PATH…", summary: "copy paths back from a kept root",
		about: "Copies each PATH from a kept root (the newest unless --from) to the same path beneath --to: " +
			"/ (the running root) or the persistent root. Replaces nothing that exists unless --force."},
	{name: "adopt", args: "PATH", summary: "make a path of the running root persistent now",
		about: "Copies PATH into the persistent root, proves the copy faithful, attaches it where it was, and " +
			"prints the declaration to add to the configuration so that the next boot attaches it too."},
	{name: auditListCmd, hidden: true},
	{name: restoreChildCmd, hidden: true},
	{name: checkCopiesCmd, hidden: true},
}

// builtins are run()'s own commands, listed with the others.
var builtins = []command{
	{name: "version", summary: "print the version", about: "Prints blankslate's version."},
	{name: "help", args: "[COMMAND]", summary: "describe a command and its flags",
		about: "Without COMMAND, lists the commands; with one, describes it, its arguments and its flags " +
			"(the same as blankslate COMMAND --help)."},
}

// runner is the function that runs a command; nil for run()'s own (version,
// help). A switch, not a field of commands: the table is read while flags are
// parsed, and a table holding the runners would refer to itself.
func runner(name string) func(args []string, stdout, stderr io.Writer) int {
	switch name {
	case "rollback":
		return func(a []string, _, e io.Writer) int { return runRollback(a, e) }
	case "persist":
		return func(a []string, _, e io.Writer) int { return runPersist(a, e) }
	case "audit":
		return func(a []string, _, e io.Writer) int { return runAudit(a, e) }
	case "check":
		return runCheck
	case "diff":
		return runDiff
	case "validate":
		return runValidate
	case "roots":
		return runRoots
	case "restore":
		return runRestore
	case "adopt":
		return runAdopt
	case auditListCmd: // the rollback step runs it
		return runAuditList
	case restoreChildCmd: // restore runs it
		return runRestoreChild
	case checkCopiesCmd: // check runs it on a rescue system
		return runCheckCopies
	}
	return nil
}

// allCommands are commands and builtins, in the order the usage lists them.
func allCommands() []command { return slices.Concat(commands, builtins) }

func lookup(name string) (command, bool) {
	for _, c := range allCommands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// visibleNames are the commands a person may type, for suggestions.
func visibleNames() []string {
	var names []string
	for _, c := range allCommands() {
		if !c.hidden {
			names = append(names, c.name)
		}
	}
	return names
}

// writeUsage is the list of commands (`blankslate help`).
func writeUsage(w io.Writer) {
	fmt.Fprint(w, "usage: blankslate COMMAND [ARGUMENTS] [FLAGS]\n\ncommands:\n")
	for _, c := range allCommands() {
		if !c.hidden {
			fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprint(w, `
blankslate help COMMAND (or blankslate COMMAND --help) describes a command and
its flags. Without --config, /etc/blankslate/config.json is read if it exists,
else the built-in default layout. Exit status: 0 ok, 1 the step failed or check
found a problem, 2 usage or configuration error, 3 check found no problem but
did not check everything.
`)
}

// unknownCommand reports name, with the nearest command when one is near.
func unknownCommand(w io.Writer, name string) int {
	fmt.Fprintf(w, "blankslate: unknown command %q", name)
	if near := nearest(name, visibleNames()); near != "" {
		fmt.Fprintf(w, "; did you mean %s?", near)
	}
	fmt.Fprint(w, "\nRun blankslate help for the list of commands.\n")
	return exitUsage
}

// wantsHelp says whether args ask for help: -h, -help or --help before "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// usageLine is "blankslate NAME ARGS [--flag VALUE]…", the way help shows it.
func usageLine(c command, fs *flag.FlagSet) string {
	parts := []string{"blankslate", c.name}
	if c.args != "" {
		parts = append(parts, c.args)
	}
	if fs != nil {
		fs.VisitAll(func(f *flag.Flag) { parts = append(parts, "["+flagWithArg(f)+"]") })
	}
	return strings.Join(parts, " ")
}

// flagWithArg is "--name VALUE", VALUE from the back-quoted word of its usage.
func flagWithArg(f *flag.Flag) string {
	if arg, _ := flag.UnquoteUsage(f); arg != "" {
		return "--" + f.Name + " " + strings.ToUpper(arg)
	}
	return "--" + f.Name
}
