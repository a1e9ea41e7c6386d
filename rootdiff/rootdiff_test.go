package rootdiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

func TestParseReadsEveryKindOfLine(t *testing.T) {
	tests := []struct {
		name, line, mount string
		want              Change
	}{
		{"created file at /", "+\tF\t/etc/junk", "/", Change{Kind: Created, Type: "file", Path: "/etc/junk"}},
		{"mount prefix is removed", "M\t/\t/sysroot/etc", "/sysroot", Change{Kind: Modified, Type: "directory", Path: "/etc"}},
		{"the root directory itself", "M\t/\t/sysroot/", "/sysroot", Change{Kind: Modified, Type: "directory", Path: "/"}},
		{"removed symlink", "-\t@\t/etc/ssh", "/", Change{Kind: Removed, Type: "symlink", Path: "/etc/ssh"}},
		{"rename with its new path", "R\tF\t/a\t/b/c", "/", Change{Kind: Renamed, Type: "file", Path: "/a", NewPath: "/b/c"}},
		{"link count change", "M\tF\t/x\t(+1)", "/", Change{Kind: Modified, Type: "file", Path: "/x", LinkDelta: 1}},
		{"escaped space, backslash and newline", `+` + "\t" + `F` + "\t" + `/a\0040b\0134c\0012d`, "/",
			Change{Kind: Created, Type: "file", Path: "/a b\\c\nd"}},
		{"escaped byte above ASCII", "+\tF\t/caf\\0303\\0251", "/", Change{Kind: Created, Type: "file", Path: "/café"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.line+"\n"), tc.mount)
			if err != nil || len(got) != 1 || got[0] != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestParseRefusesWhatItDoesNotUnderstand(t *testing.T) {
	for _, line := range []string{"X\tF\t/a", "+\tF", "+\tF\t/a\tjunk", "+\tF\t/a\\00", "+\tF\t/a\\0999", "+\tF\t/elsewhere/a"} {
		if _, err := Parse(strings.NewReader(line+"\n"), "/sysroot"); err == nil {
			t.Errorf("%q: no error", line)
		}
	}
}

func TestClassifyFlagsPathsUnderEntriesAndKnowsRecreatedOnes(t *testing.T) {
	l := Layout{Entries: []string{"/var/log", "/etc/ssh"}, MountPoints: []string{"/nix", "/persist"}}
	for p, want := range map[string]Class{
		"/var/log/x": UnderEntry, "/var/log": Recreated, "/var": Recreated, "/etc/ssh": Recreated,
		"/nix": Recreated, "/persist": Recreated, "/var/tmp": Ephemeral, "/etc/sshd": Ephemeral, "/junk": Ephemeral,
	} {
		if got := l.classify(p); got != want {
			t.Errorf("%s: %s, want %s", p, got, want)
		}
	}
}

func sample() []Change {
	return []Change{
		{Kind: Created, Type: "directory", Path: "/var"},
		{Kind: Created, Type: "directory", Path: "/var/log"},
		{Kind: Created, Type: "file", Path: "/var/log/early.log"},
		{Kind: Created, Type: "directory", Path: "/var/tmp"},
		{Kind: Created, Type: "file", Path: "/var/tmp/big"},
		{Kind: Created, Type: "file", Path: "/etc/junk"},
		{Kind: Created, Type: "file", Path: "/junk"},
		{Kind: Created, Type: "file", Path: "/tmp/x"},
	}
}

func sizes(m map[string]int64) Sizer {
	return func(p string) (int64, bool) { n, ok := m[p]; return n, ok }
}

func TestBuildGroupsByTopLevelLargestFirst(t *testing.T) {
	l := Layout{Entries: []string{"/var/log"}}
	r := Build(sample(), l, sizes(map[string]int64{"/var/tmp/big": 50 << 20, "/etc/junk": 5, "/junk": 5, "/tmp/x": 1, "/var/log/early.log": 7}))
	var order []string
	for _, g := range r.Groups {
		order = append(order, fmt.Sprintf("%s:%d:%d:%d", g.Path, g.Bytes, g.Created, g.UnderEntry))
	}
	want := "/var:52428807:3:1 /etc:5:1:0 /junk:5:1:0 /tmp:1:1:0"
	if strings.Join(order, " ") != want {
		t.Errorf("groups %v, want %s", order, want)
	}
	if r.Totals.Changes != 8 || r.Totals.Created != 6 || r.Totals.Recreated != 2 || r.Totals.UnderEntry != 1 || r.Totals.Bytes != 52428818 {
		t.Errorf("totals %+v", r.Totals)
	}
}

func TestSuggestionsAreValidConfigurationOrSayWhyNot(t *testing.T) {
	cfg := config.Default()
	r := Build(sample(), Layout{Entries: []string{"/var/log"}}, sizes(map[string]int64{"/var/tmp/big": 100, "/etc/junk": 50, "/tmp/x": 70}))
	Suggest(r, cfg)
	got := map[string]*Suggestion{}
	for _, g := range r.Groups {
		got[g.Path] = g.Suggestion
	}
	if s := got["/var"]; s == nil || s.Nix != `blankslate.directories = [ "/var/tmp" ];` || s.Entry != `{"path": "/var/tmp", "how": "bind", "type": "directory"}` {
		t.Errorf("/var: %+v", s)
	}
	if s := got["/tmp"]; s == nil || s.Nix != "" || !strings.Contains(s.Refused, "/tmp/x cannot be persisted") {
		t.Errorf("/tmp: %+v", s)
	}
	if s := got["/etc"]; s == nil || s.Nix != `blankslate.files = [ "/etc/junk" ];` || s.Type != "file" {
		t.Errorf("/etc: %+v", s)
	}
	if s := got["/junk"]; s != nil {
		t.Errorf("only the %d largest groups get a suggestion; /junk got %+v", Suggested, s)
	}
}

func TestCollectReadsTheMountedRootAndSizesItsFiles(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "var/tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "var/tmp/big"), make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	src := zfstest.Seed(t)
	src.Mount(zfstest.Root, root)
	src.SetDiff(zfstest.Root, "+\t/\t"+root+"/var", "+\t/\t"+root+"/var/tmp", "+\tF\t"+root+"/var/tmp/big", "+\t/\t"+root+"/nix")
	r, err := Collect(src, config.Default(), []string{"/", root, root + "/nix"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Totals.Bytes != 4096 || r.Totals.Recreated != 2 || len(r.Groups) != 1 || r.Groups[0].Suggestion == nil {
		t.Errorf("report %+v", r)
	}
}

func TestCollectRefusesAnUnmountedDatasetAndPassesLibzfsErrorsOn(t *testing.T) {
	src := zfstest.Seed(t)
	if _, err := Collect(src, config.Default(), nil); err == nil || !strings.Contains(err.Error(), "mount -t zfs -o ro rpool/nixos/empty /mnt") {
		t.Errorf("unmounted: %v", err)
	}
	src.Mount(zfstest.Root, "/")
	src.Inject(zfstest.Fault{Method: "Diff", Err: errors.New("cannot diff: boom")})
	if _, err := Collect(src, config.Default(), nil); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("libzfs error: %v", err)
	}
	src.Purge(zfstest.Root)
	if _, err := Collect(src, config.Default(), nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
}

func TestTextListsGroupsChangesFlagsAndSuggestions(t *testing.T) {
	r := Build(sample(), Layout{Entries: []string{"/var/log"}}, sizes(map[string]int64{"/var/tmp/big": 50 << 20}))
	r.Dataset, r.Snapshot, r.MountedAt = "rpool/nixos/empty", "start", "/"
	Suggest(r, config.Default())
	var b bytes.Buffer
	WriteText(&b, r)
	for _, want := range []string{
		"The next boot erases 6 changes, 50.0 MiB in files: 6 created,",
		"  /var         50.0 MiB        3         0        0        0  ! 1 under a declared entry",
		"  + F /var/tmp/big  50.0 MiB",
		"  + F /var/log/early.log  ! under a declared entry",
		`/var/tmp (50.0 MiB):  blankslate.directories = [ "/var/tmp" ];`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

func TestJSONHasTheSchemaAndEveryChange(t *testing.T) {
	r := Build(sample(), Layout{}, sizes(nil))
	var b bytes.Buffer
	if err := WriteJSON(&b, r, "v1"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema  string           `json:"schema"`
		Totals  map[string]int   `json:"totals"`
		Groups  []map[string]any `json:"groups"`
		Changes []map[string]any `json:"changes"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "blankslate.diff/1" || len(doc.Changes) != 8 || doc.Totals["created"] != 8 || doc.Totals["changes"] != 8 || doc.Changes[4]["kind"] != "created" {
		t.Errorf("got %s", b.String())
	}
}
