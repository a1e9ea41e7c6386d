package boot

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"syscall"
)

// CmdlinePath is the kernel command line the rollback step reads.
const CmdlinePath = "/proc/cmdline"

// RootPrevious asks for the root as the last boot left it.
const RootPrevious = "previous"

// Cmdline is what the kernel command line asks of the rollback step.
type Cmdline struct {
	Skip     bool     // blankslate.rollback=skip: keep the root as it is
	Root     string   // blankslate.root=: "previous", a kept root's name, or ""
	Unknown  []string // blankslate.* words it does not know: the root is kept, held (hold.go)
	Warnings []string // words of ours that conflict
}

// KnownWords is what the messages about an unknown word list.
const KnownWords = "blankslate.rollback=skip, blankslate.root=previous, blankslate.root=NAME (a kept root; blankslate roots lists them)"

// keptName is what a kept root's name may look like on the command line:
// its last component, or the full dataset name; ZFS's name characters only.
var keptName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:/-]*$`)

// maxCmdline bounds the read: the kernel's own limit is a few KiB.
const maxCmdline = 64 << 10

// ReadCmdline reads and parses the command line at path ("" reads none).
func ReadCmdline(path string) (Cmdline, error) {
	if path == "" {
		return Cmdline{}, nil
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Cmdline{}, fmt.Errorf("reading the kernel command line: %w; blankslate.* parameters were not read", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCmdline))
	if err != nil {
		return Cmdline{}, fmt.Errorf("reading the kernel command line %s: %w; blankslate.* parameters were not read", path, err)
	}
	return ParseCmdline(string(data)), nil
}

// ParseCmdline picks blankslate.rollback= and blankslate.root= out of a
// kernel command line. As for the kernel's own parameters the last of a
// repeated one wins. A blankslate.* word it does not know, or with a value
// it does not know, is Unknown: a mistyped recovery word must not fail open.
func ParseCmdline(s string) Cmdline {
	var c Cmdline
	for _, w := range splitCmdline(s) {
		key, val, _ := strings.Cut(w, "=")
		if !strings.HasPrefix(key, "blankslate.") {
			continue
		}
		switch {
		case key == "blankslate.rollback" && val == "skip":
			c.Skip = true
		case key == "blankslate.root" && (val == RootPrevious || keptName.MatchString(val) && !strings.Contains(val, "..")):
			c.Root = val
		default:
			c.Unknown = append(c.Unknown, w)
		}
	}
	if c.Skip && c.Root != "" {
		c.Warnings = append(c.Warnings, fmt.Sprintf("blankslate.root=%s is ignored: blankslate.rollback=skip keeps the root as it is", c.Root))
		c.Root = ""
	}
	return c
}

// splitCmdline splits at spaces outside double quotes, as the kernel does,
// and drops the quotes.
func splitCmdline(s string) []string {
	var words []string
	var b strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ' ' || r == '\n' || r == '\t'):
			if b.Len() > 0 {
				words = append(words, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		words = append(words, b.String())
	}
	return words
}
