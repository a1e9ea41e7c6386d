package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const testBase = `"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"`

func TestStructureProblemsAreRefusedAndAllListed(t *testing.T) {
	entry := `{"path":"/srv","how":"bind","type":"directory"}`
	for _, tc := range []struct {
		name, json string
		want       []string
	}{
		{"invalid UTF-8 in a path", `{` + testBase + `,"entries":[{"path":"/srv/` + "\xff" + `","how":"bind","type":"directory"}]}`,
			[]string{"not valid UTF-8", "byte 90"}},
		{"a UTF-16 surrogate half", `{` + testBase + `,"persistRoot":"/p` + "\xed\xa0\x80" + `"}`, []string{"not valid UTF-8"}},
		{"a top-level key twice", `{` + testBase + `,"pool":"tank"}`, []string{`"pool" appears twice`}},
		{"onFailure twice", `{` + testBase + `,"onFailure":"emergency","onFailure":"continue"}`, []string{`"onFailure" appears twice`}},
		{"an entry key twice", `{` + testBase + `,"entries":[` + entry + `,{"path":"/a","path":"/b","how":"bind","type":"file"}]}`,
			[]string{`"entries[1].path" appears twice`}},
		{"an audit key twice", `{` + testBase + `,"audit":{"keep":3,"keep":4}}`, []string{`"audit.keep" appears twice`}},
		{"a keep key twice", `{` + testBase + `,"keep":{"roots":3,"roots":0}}`, []string{`"keep.roots" appears twice`}},
		{"the entries list twice", `{` + testBase + `,"entries":[],"entries":[` + entry + `]}`, []string{`"entries" appears twice`}},
		{"every key problem at once", `{` + testBase + `,"persistroot":"/p","entries":[{"path":"/a","Path":"/b","how":"bind","type":"file"}],"pool":"x"}`,
			[]string{`unknown field "persistroot"`, `did you mean "persistRoot"`, `unknown field "entries[0].Path"`, `"pool" appears twice`}},
		{"key and value problems at once", `{` + testBase + `,"persistroot":"/p","onFailure":"ignore"}`,
			[]string{`unknown field "persistroot"`, `onFailure "ignore"`}},
		{"nesting deeper than any configuration", `{` + testBase + `,"entries":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`,
			[]string{"nested deeper than"}},
		{"a file over 16 MiB", `{` + testBase + `}` + strings.Repeat(" ", 16<<20), []string{"larger than 16 MiB"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json))
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse accepted it (err %v)", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadReadsOnlyABoundedRegularFileAndNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`{`+testBase+`}`+strings.Repeat(" ", 16<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, defaultPath, want string }{
		{"a FIFO", fifo, "", "not a regular file"},
		{"a FIFO as the default file", "", fifo, "not a regular file"},
		{"a directory", dir, "", "not a regular file"},
		{"a character device", "/dev/null", "", "not a regular file"},
		{"a file over 16 MiB", big, "", "larger than 16 MiB"},
		{"a default path that cannot be looked at", "", filepath.Join(notDir, "config.json"), "not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, _, err := load(tc.path, tc.defaultPath); done <- err }()
			select {
			case err := <-done:
				if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("load = %v, want an ErrInvalid containing %q", err, tc.want)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("load blocked")
			}
		})
	}
}
