package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// helpWidth is where help wraps its paragraphs: a terminal's usual 80 columns.
const helpWidth = 80

// runHelp is `blankslate help [COMMAND]` and `blankslate COMMAND --help`: on
// stdout, exit 0, as people expect of a command line tool.
func runHelp(name string, stdout, stderr io.Writer) int {
	c, ok := lookup(name)
	if !ok {
		return unknownCommand(stderr, name)
	}
	r := runner(name)
	if r == nil { // version, help: no flags
		writeHelp(stdout, c, nil)
		return exitOK
	}
	// The command's own flag set writes the help: every subcommand parses its
	// flags before anything else, and -h stops it there (parseOnce).
	r([]string{"--help"}, stdout, stdout)
	return exitOK
}

// writeHelp describes a command: what it does, its usage line, its flags.
func writeHelp(w io.Writer, c command, fs *flag.FlagSet) {
	hasFlags := false
	if fs != nil {
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	}
	if c.summary != "" {
		fmt.Fprintf(w, "blankslate %s: %s\n\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "usage: %s\n", usageLine(c, fs))
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", wrap(c.about, helpWidth, ""))
	}
	if !hasFlags {
		return
	}
	fmt.Fprint(w, "\nflags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		_, text := flag.UnquoteUsage(f)
		head := "  " + flagWithArg(f)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			text += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "%s\n%s\n", head, wrap(text, helpWidth, "        "))
	})
}

// wrap breaks text into lines of at most width columns, each starting with
// indent; a word longer than a line stays whole.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	b.WriteString(line)
	return b.String()
}
