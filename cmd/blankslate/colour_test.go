package main

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its terminal side, so that
// colourOK sees what it sees on a real terminal.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal to test with: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

func TestColourOnlyOnATerminalThatShowsIt(t *testing.T) {
	tty := openPTY(t)
	file, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	tests := []struct {
		name        string
		out         *os.File
		term, no    string
		wantColours bool
	}{
		{"a terminal", tty, "xterm-256color", "", true},
		{"TERM=dumb", tty, "dumb", "", false},
		{"no TERM at all", tty, "", "", false},
		{"NO_COLOR set", tty, "xterm-256color", "1", false},
		{"a file", file, "xterm-256color", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TERM", tc.term)
			t.Setenv("NO_COLOR", tc.no)
			if got := colourOK(tc.out); got != tc.wantColours {
				t.Errorf("colourOK = %v, want %v", got, tc.wantColours)
			}
		})
	}
}
