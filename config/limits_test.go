package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestEntryCountIsBounded(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{MaxEntries, ""},
		{MaxEntries + 1, fmt.Sprintf("entries: %d declared, at most %d", MaxEntries+1, MaxEntries)},
	} {
		c := Default()
		c.Entries = make([]Entry, tc.n)
		for i := range c.Entries {
			c.Entries[i] = Entry{Path: fmt.Sprintf("/srv/%d", i), How: "bind", Type: "directory", User: "root", Group: "root", Mode: "0755"}
		}
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%d entries: %.300v", tc.n, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%d entries: error %.300v, want %q", tc.n, err, tc.want)
		}
	}
}

func TestManyProblemsAreCountedNotAllPrinted(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{` + testBase + `,"entries":[`)
	for i := 0; i < 1000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"path":"relative","how":"bind","type":"directory"}`)
	}
	b.WriteString(`]}`)
	_, err := Parse([]byte(b.String()))
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxListed+1 || !strings.Contains(lines[maxListed], "900 more problems") {
		t.Errorf("%d lines, the last %q", len(lines), lines[len(lines)-1])
	}
}
