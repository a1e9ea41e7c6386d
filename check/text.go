package check

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// ANSI colours for the severity word; used only when writing to a terminal.
var colours = map[Severity]string{OK: "\x1b[32m", Info: "\x1b[36m", NotChecked: "\x1b[35;1m", Warning: "\x1b[33;1m", Error: "\x1b[31;1m"}

const reset = "\x1b[0m"

// TextOptions says how WriteText prints.
type TextOptions struct {
	Colour bool // severity words in colour (a terminal that shows them)
	All    bool // every finding; else the ok ones are only counted
	Width  int  // the terminal's columns to wrap at; 0 does not wrap
}

// minMessage is the narrowest the message column gets when wrapping; a
// terminal narrower than the columns before it plus this gets the message
// beneath, indented.
const minMessage = 30

// minObject is the narrowest object column of the table; a terminal that
// leaves less gets each finding stacked on lines of its own.
const minObject = 12

// WriteText prints the report for a person: problems first, then what was
// not checked, then information, one line per finding with the fix beneath
// each problem, the ok findings counted (listed with opt.All), and a closing
// verdict.
func WriteText(w io.Writer, r *Report, opt TextOptions) {
	what := r.Dataset
	if what == "" {
		what = "configuration only"
	}
	fmt.Fprintln(w, wrapLine(fmt.Sprintf("blankslate check: %s, root %s", what, orDash(r.Root)), opt.Width, "  "))
	fmt.Fprintf(w, "%s\n\n", wrapLine("configuration: "+r.Config, opt.Width, "  "))
	shown := ordered(r.Findings, opt.All)
	wl, wc, wo := 7, 5, 6
	for _, f := range shown {
		wl = max(wl, len(word(f.Severity)))
		wc = max(wc, len(f.Check))
		wo = max(wo, min(len(f.Object), 40))
	}
	if opt.Width > 0 { // a longer object pushes its message to the next line
		wo = min(wo, opt.Width-(2+wl+2+wc+2+2)-minMessage)
	}
	if opt.Width > 0 && wo < minObject {
		writeStacked(w, shown, wl, opt)
	} else {
		writeTable(w, shown, wl, wc, wo, opt)
	}
	if len(shown) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, wrapLine(verdict(r, opt.All), opt.Width, ""))
}

// writeTable writes one finding a line in aligned columns, the message
// and the fix wrapped in the last one.
func writeTable(w io.Writer, shown []Finding, wl, wc, wo int, opt TextOptions) {
	col := 2 + wl + 2 + wc + 2 + wo + 2
	if len(shown) > 0 {
		fmt.Fprintf(w, "  %-*s  %-*s  %-*s  %s\n", wl, "", wc, "CHECK", wo, "OBJECT", "FINDING")
	}
	for _, f := range shown {
		head := fmt.Sprintf("  %s  %-*s  %-*s  ", label(f.Severity, wl, opt.Colour), wc, f.Check, wo, f.Object)
		writeWrapped(w, head, 2+wl+2+wc+2+max(wo, len(f.Object))+2, col, f.Message, opt.Width)
		if f.Fix != "" {
			writeWrapped(w, strings.Repeat(" ", col)+"fix: ", col+5, col, f.Fix, opt.Width)
		}
	}
}

// writeStacked is for a terminal too narrow for the columns: the severity,
// check and object on a line, the message and the fix indented beneath.
func writeStacked(w io.Writer, shown []Finding, wl int, opt TextOptions) {
	for _, f := range shown {
		fmt.Fprintf(w, "  %s  %s\n", label(f.Severity, wl, opt.Colour), wrapLine(f.Check+"  "+f.Object, opt.Width-wl-4, "    "))
		writeWrapped(w, "    ", 4, 4, f.Message, opt.Width)
		if f.Fix != "" {
			writeWrapped(w, "    fix: ", 9, 9, f.Fix, opt.Width)
		}
	}
}

// ordered is the findings to show, worst first, in the reading order of
// the checks within one severity; the ok ones only when all is set.
func ordered(fs []Finding, all bool) []Finding {
	var out []Finding
	for _, f := range fs {
		if all || f.Severity != OK {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity.rank() > out[j].Severity.rank() })
	return out
}

// writeWrapped writes head (which takes used columns on screen) and text
// wrapped to width, continuation lines starting at column indent (4 when
// that leaves less than minMessage columns). Where the head leaves less
// than half of that, the text starts on the next line.
func writeWrapped(w io.Writer, head string, used, indent int, text string, width int) {
	if width <= 0 {
		fmt.Fprintf(w, "%s%s\n", head, text)
		return
	}
	if width-indent < minMessage {
		indent = 4
	}
	if width-used < minMessage/2 {
		fmt.Fprintln(w, strings.TrimRight(head, " "))
		used, head = indent, strings.Repeat(" ", indent)
	}
	lines := wrapWords(text, width-used, width-indent)
	fmt.Fprintf(w, "%s%s\n", head, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", indent), l)
	}
}

// wrapLine wraps a line of its own to width, continuation lines starting
// with indent.
func wrapLine(text string, width int, indent string) string {
	if width <= 0 {
		return text
	}
	lines := wrapWords(text, width, width-len(indent))
	return strings.Join(lines, "\n"+indent)
}

// wrapWords breaks text at spaces into a first line of at most first
// columns and further lines of at most rest; a word longer than a line
// stays whole (a path or a command is never broken).
func wrapWords(text string, first, rest int) []string {
	var lines []string
	line, limit := "", first
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > limit {
			lines = append(lines, line)
			line, limit = "", rest
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

// word is the severity as the text shows it: problems in capitals.
func word(s Severity) string {
	switch {
	case s == NotChecked:
		return "NOT CHECKED"
	case s.Problem():
		return strings.ToUpper(string(s))
	}
	return string(s)
}

// label is the severity padded to width columns, coloured on a terminal.
func label(s Severity, width int, colour bool) string {
	word := word(s)
	pad := strings.Repeat(" ", width-len(word))
	if !colour {
		return word + pad
	}
	return colours[s] + word + reset + pad
}

func verdict(r *Report, all bool) string {
	c := r.Counts()
	tail := fmt.Sprintf("%d ok, %d info", c[OK], c[Info])
	if !all && c[OK] > 0 {
		tail += "; blankslate check --all lists the ok ones too"
	}
	notChecked := ""
	if c[NotChecked] > 0 {
		notChecked = fmt.Sprintf("; %d not checked, so not known to be healthy", c[NotChecked])
	}
	if r.Problems() == 0 {
		return "No problems found" + notChecked + " (" + tail + ")."
	}
	return fmt.Sprintf("%s: %s, %s%s (%s).", plural(r.Problems(), "problem"), plural(c[Error], "error"), plural(c[Warning], "warning"), notChecked, tail)
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
