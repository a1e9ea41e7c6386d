package check

import (
	"fmt"
	"io"
	"strings"
)

// ANSI colours for the severity word; used only when writing to a terminal.
var colours = map[Severity]string{OK: "\x1b[32m", Info: "\x1b[36m", Warning: "\x1b[33;1m", Error: "\x1b[31;1m"}

const reset = "\x1b[0m"

// WriteText prints the report as an aligned table for a person: one line per
// finding, the fix beneath each problem, and a closing verdict.
func WriteText(w io.Writer, r *Report, colour bool) {
	what := r.Dataset
	if what == "" {
		what = "configuration only"
	}
	fmt.Fprintf(w, "blankslate check: %s, root %s, configuration: %s\n\n", what, orDash(r.Root), r.Config)
	wc, wo := 5, 6
	for _, f := range r.Findings {
		wc = max(wc, len(f.Check))
		wo = max(wo, min(len(f.Object), 40))
	}
	indent := strings.Repeat(" ", 2+7+2+wc+2+wo+2)
	fmt.Fprintf(w, "  %-7s  %-*s  %-*s  %s\n", "", wc, "CHECK", wo, "OBJECT", "FINDING")
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %s  %-*s  %-*s  %s\n", label(f.Severity, colour), wc, f.Check, wo, f.Object, f.Message)
		if f.Fix != "" {
			fmt.Fprintf(w, "%sfix: %s\n", indent, f.Fix)
		}
	}
	fmt.Fprintf(w, "\n%s\n", verdict(r))
}

// label is the severity padded to 7 columns, coloured on a terminal.
func label(s Severity, colour bool) string {
	word := string(s)
	if s.Problem() {
		word = strings.ToUpper(word)
	}
	pad := strings.Repeat(" ", 7-len(word))
	if !colour {
		return word + pad
	}
	return colours[s] + word + reset + pad
}

func verdict(r *Report) string {
	c := r.Counts()
	tail := fmt.Sprintf("%d ok, %d info", c[OK], c[Info])
	if r.Problems() == 0 {
		return "No problems (" + tail + ")."
	}
	return fmt.Sprintf("%s: %s, %s (%s).", plural(r.Problems(), "problem"), plural(c[Error], "error"), plural(c[Warning], "warning"), tail)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
