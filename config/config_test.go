package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultIsTheDesignLayoutAndValid(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("default does not validate: %v", err)
	}
	if c.SnapshotName() != "rpool/nixos/empty@start" || c.PersistRoot != "/persist" {
		t.Errorf("default names %s under %s", c.SnapshotName(), c.PersistRoot)
	}
	var paths []string
	for _, e := range c.Entries {
		paths = append(paths, e.Path+":"+e.How)
	}
	want := []string{"/etc/nixos:bind", "/etc/ssh:symlink", "/var/log:bind", "/var/lib:bind", "/etc/machine-id:symlink"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("entries %v, want %v", paths, want)
	}
}

func TestDefaultRoundTripsThroughJSON(t *testing.T) {
	data, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(marshalled default): %v", err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("round trip changed the default:\n%+v", c)
	}
}

func TestParseFillsOptionalFields(t *testing.T) {
	c, err := Parse([]byte(`{"pool":"tank","dataset":"tank/root","snapshot":"blank",
		"entries":[{"path":"/var/lib/foo","how":"bind","type":"directory"},{"path":"/etc/f","how":"symlink","type":"file"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.OnFailure != PolicyEmergency || c.PersistRoot != "/persist" {
		t.Errorf("defaults not filled: %+v", c)
	}
	if e := c.Entries[0]; e.User != "root" || e.Group != "root" || e.Mode != "0755" {
		t.Errorf("directory entry defaults: %+v", e)
	}
	if e := c.Entries[1]; e.Mode != "0644" {
		t.Errorf("file entry mode %s, want 0644", e.Mode)
	}
}

func TestParseRejectsBadConfiguration(t *testing.T) {
	base := `"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"`
	entry := func(e string) string { return `{` + base + `,"entries":[` + e + `]}` }
	tests := []struct {
		name, json, want string
	}{
		{"not JSON", `{`, "not valid configuration JSON"},
		{"trailing data", `{` + base + `} {}`, "trailing data"},
		{"unknown key", `{` + base + `,"persistRot":"/p"}`, `unknown field "persistRot"`},
		{"key in the wrong case", `{` + base + `,"persistroot":"/p"}`, `unknown field "persistroot"`},
		{"audit key in the wrong case", `{` + base + `,"audit":{"KEEP":3}}`, `unknown field "audit.KEEP"`},
		{"entry key in the wrong case", entry(`{"Path":"/a","how":"bind","type":"file"}`), `unknown field "entries[0].Path"`},
		{"unknown entry key", entry(`{"path":"/a","how":"bind","type":"file","owner":"x"}`), `unknown field "entries[0].owner"`},
		{"missing pool", `{"dataset":"rpool/x","snapshot":"s"}`, "pool: missing"},
		{"reserved pool name", `{"pool":"mirror1","dataset":"mirror1/x","snapshot":"s"}`, "reserved"},
		{"pool root dataset", `{"pool":"rpool","dataset":"rpool","snapshot":"s"}`, "pool's root dataset"},
		{"dataset in another pool", `{"pool":"rpool","dataset":"tank/x","snapshot":"s"}`, `not in pool "rpool"`},
		{"dataset with @", `{"pool":"rpool","dataset":"rpool/x@y","snapshot":"s"}`, "not a valid dataset name"},
		{"snapshot with @", `{"pool":"rpool","dataset":"rpool/x","snapshot":"@s"}`, "give only the part after @"},
		{"bad policy", `{` + base + `,"onFailure":"ignore"}`, `onFailure "ignore"`},
		{"relative persistRoot", `{` + base + `,"persistRoot":"persist"}`, "not an absolute path"},
		{"persistRoot slash", `{` + base + `,"persistRoot":"/"}`, "below /"},
		{"relative path", entry(`{"path":"var/lib","how":"bind","type":"directory"}`), "not an absolute path"},
		{"dotdot path", entry(`{"path":"/var/../etc","how":"bind","type":"directory"}`), `contains ".."`},
		{"unclean path", entry(`{"path":"/var//lib/","how":"bind","type":"directory"}`), "not clean"},
		{"root path", entry(`{"path":"/","how":"bind","type":"directory"}`), "cannot be persisted"},
		{"path under /nix", entry(`{"path":"/nix/store","how":"bind","type":"directory"}`), "cannot be persisted"},
		{"path under persistRoot", entry(`{"path":"/persist/x","how":"bind","type":"directory"}`), "overlaps persistRoot"},
		{"bad how", entry(`{"path":"/a","how":"copy","type":"file"}`), `how "copy"`},
		{"bad type", entry(`{"path":"/a","how":"bind","type":"socket"}`), `type "socket"`},
		{"bad mode", entry(`{"path":"/a","how":"bind","type":"file","mode":"rwx"}`), `mode "rwx"`},
		{"mode too large", entry(`{"path":"/a","how":"bind","type":"file","mode":"17777"}`), `mode "17777"`},
		{"user with colon", entry(`{"path":"/a","how":"bind","type":"file","user":"a:b"}`), "not a user or group name"},
		{"duplicate", entry(`{"path":"/a","how":"bind","type":"file"},{"path":"/a","how":"symlink","type":"file"}`), "declared twice"},
		{"nested", entry(`{"path":"/var/lib","how":"bind","type":"directory"},{"path":"/var/lib/x","how":"bind","type":"directory"}`), "nested"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	_, err := Parse([]byte(`{"pool":"","dataset":"","snapshot":"","onFailure":"x"}`))
	for _, want := range []string{"pool: missing", "dataset: missing", "snapshot: missing", "onFailure"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func TestLoadWithoutFileUsesDefault(t *testing.T) {
	c, from, err := load("", t.TempDir()+"/absent.json")
	if err != nil {
		t.Fatal(err)
	}
	if from != "built-in default" || !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load(\"\") = %v from %s", c, from)
	}
}

func TestLoadMissingFileIsAnError(t *testing.T) {
	if _, _, err := Load("/nonexistent/blankslate.json"); err == nil {
		t.Fatal("Load of a missing file succeeded")
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
