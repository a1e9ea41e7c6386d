package config

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

// Every hostile configuration is refused with an error that names the field at
// fault, matches ErrInvalid, and cannot forge a journal line.
func TestHostileConfigurationsAreRefusedNamingTheField(t *testing.T) {
	entry := func(fields string) string {
		return `{` + testBase + `,"entries":[{` + fields + `}]}`
	}
	dir := func(p string) string {
		return entry(`"path":` + jsonString(p) + `,"how":"bind","type":"directory"`)
	}
	for _, tc := range []struct {
		name, json string
		want       []string
	}{
		// the document
		{"empty file", ``, []string{"not valid configuration JSON"}},
		{"only whitespace", " \n\t", []string{"not valid configuration JSON"}},
		{"a list, not an object", `[]`, []string{"not valid configuration JSON"}},
		{"a number, not an object", `-1`, []string{"not valid configuration JSON"}},
		{"null", `null`, []string{"pool: missing", "dataset: missing", "snapshot: missing"}},
		{"a byte-order mark", "\ufeff{" + testBase + `}`, []string{"not valid configuration JSON"}},
		{"a comment", `{` + testBase + `/* x */}`, []string{"not valid configuration JSON"}},
		{"trailing comma", `{` + testBase + `,}`, []string{"not valid configuration JSON"}},
		{"a second document", `{` + testBase + `}{"onFailure":"continue"}`, []string{"trailing data"}},
		{"invalid UTF-8 in a key", `{` + testBase + `,"p` + "\xc3" + `":1}`, []string{"not valid UTF-8"}},
		{"deep nesting in an unknown key", `{` + testBase + `,"x":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40) + `}`, []string{"nested deeper than 32"}},
		{"onFailure both ways", `{` + testBase + `,"onFailure":"emergency","OnFailure":"continue"}`, []string{`unknown field "OnFailure"`, `did you mean "onFailure"`}},
		{"onFailure in another case", `{` + testBase + `,"onFailure":"Continue"}`, []string{`onFailure "Continue"`}},
		{"onFailure as a boolean", `{` + testBase + `,"onFailure":false}`, []string{"onFailure"}},
		{"a key with an escaped upper case", `{` + testBase + `,"\u006fnFailure":"emergency","onFailure":"continue"}`, []string{`"onFailure" appears twice`}},
		// pool, dataset, snapshot
		{"empty pool", `{"pool":"","dataset":"rpool/x","snapshot":"s"}`, []string{"pool: missing"}},
		{"pool with a slash", `{"pool":"rpool/x","dataset":"rpool/x/y","snapshot":"s"}`, []string{`pool "rpool/x"`}},
		{"pool with a space", `{"pool":"r pool","dataset":"r pool/x","snapshot":"s"}`, []string{`pool "r pool"`}},
		{"pool starting with a digit", `{"pool":"1pool","dataset":"1pool/x","snapshot":"s"}`, []string{`pool "1pool"`}},
		{"a reserved pool name", `{"pool":"raidz","dataset":"raidz/x","snapshot":"s"}`, []string{`pool "raidz"`}},
		{"dataset outside the pool", `{"pool":"rpool","dataset":"tank/root","snapshot":"s"}`, []string{`dataset "tank/root": is not in pool "rpool"`}},
		{"dataset sharing the pool's prefix", `{"pool":"rpool","dataset":"rpool2/root","snapshot":"s"}`, []string{`dataset "rpool2/root"`}},
		{"dataset is the pool", `{"pool":"rpool","dataset":"rpool","snapshot":"s"}`, []string{`dataset "rpool"`}},
		{"dataset with a trailing slash", `{"pool":"rpool","dataset":"rpool/x/","snapshot":"s"}`, []string{`dataset "rpool/x/"`}},
		{"dataset with an empty part", `{"pool":"rpool","dataset":"rpool//x","snapshot":"s"}`, []string{`dataset "rpool//x"`}},
		{"dataset with a newline", `{"pool":"rpool","dataset":"rpool/x\n","snapshot":"s"}`, []string{`dataset "rpool/x\n"`}},
		{"dataset with a bookmark", `{"pool":"rpool","dataset":"rpool/x#b","snapshot":"s"}`, []string{`dataset "rpool/x#b"`}},
		{"dataset too long", `{"pool":"rpool","dataset":"rpool/` + strings.Repeat("x", 300) + `","snapshot":"s"}`, []string{"dataset", "longer than 255"}},
		{"snapshot with @", `{"pool":"rpool","dataset":"rpool/x","snapshot":"x@start"}`, []string{`snapshot "x@start"`}},
		{"snapshot with a slash", `{"pool":"rpool","dataset":"rpool/x","snapshot":"a/b"}`, []string{`snapshot "a/b"`}},
		{"snapshot dot-dot", `{"pool":"rpool","dataset":"rpool/x","snapshot":".."}`, []string{`snapshot ".."`}},
		{"dataset as a number", `{"pool":"rpool","dataset":5,"snapshot":"s"}`, []string{"dataset"}},
		// persistRoot
		{"persistRoot relative", `{` + testBase + `,"persistRoot":"persist"}`, []string{"persistRoot", "not an absolute path"}},
		{"persistRoot /proc", `{` + testBase + `,"persistRoot":"/proc"}`, []string{"persistRoot /proc"}},
		{"persistRoot with dot-dot", `{` + testBase + `,"persistRoot":"/persist/../proc"}`, []string{"persistRoot", `contains ".."`}},
		{"persistRoot with a trailing slash", `{` + testBase + `,"persistRoot":"/persist/"}`, []string{"persistRoot", "not clean"}},
		// entries
		{"entries as an object", `{` + testBase + `,"entries":{"path":"/a"}}`, []string{"entries"}},
		{"an entry that is a string", `{` + testBase + `,"entries":["/var/lib"]}`, []string{"entries"}},
		{"an empty entry", entry(``), []string{"entries[0]", "path missing", `how ""`, `type ""`}},
		{"an entry with dot-dot", dir("/var/lib/../../etc"), []string{"entries[0]", `contains ".."`}},
		{"an entry with dot", dir("/var/./lib"), []string{"entries[0]", `contains "."`}},
		{"an entry with a double slash", dir("/var//lib"), []string{"entries[0]", "not clean", "/var/lib"}},
		{"an entry with a trailing slash", dir("/var/lib/"), []string{"entries[0]", "not clean"}},
		{"an entry with NUL", dir("/var/lib\x00x"), []string{"entries[0]", "NUL"}},
		{"an entry with a newline", dir("/var/lib\nblankslate: persist done"), []string{"entries[0]", "control character"}},
		{"an entry that is very deep", dir(strings.Repeat("/x", 3000)), []string{"entries[0]", "PATH_MAX"}},
		{"an entry the root itself", dir("/"), []string{"entries[0]", "cannot be persisted"}},
		{"an entry in /proc", dir("/proc/sys"), []string{"entries[0]", "cannot be persisted"}},
		{"an entry in /run", dir("/run/secrets"), []string{"entries[0]", "cannot be persisted"}},
		{"the persistent root as an entry", dir("/persist"), []string{"entries[0]", "overlaps persistRoot"}},
		{"an entry above the persistent root", `{` + testBase + `,"persistRoot":"/srv/persist","entries":[{"path":"/srv","how":"bind","type":"directory"}]}`, []string{"entries[0]", "overlaps persistRoot"}},
		{"an entry with every field wrong", entry(`"path":"x","how":"copy","type":"socket","mode":"9","user":"-1","group":"a b"`),
			[]string{"entries[0]", "not an absolute path", `how "copy"`, `type "socket"`, `mode "9"`, `user "-1"`, `group "a b"`}},
		{"an entry key in upper case", entry(`"PATH":"/a","how":"bind","type":"file"`), []string{`unknown field "entries[0].PATH"`}},
		{"an entry key twice", entry(`"path":"/a","how":"bind","how":"symlink","type":"file"`), []string{`"entries[0].how" appears twice`}},
		{"a setuid world-writable mode", entry(`"path":"/a","how":"bind","type":"directory","mode":"04777"`), []string{"entries[0]", `mode "04777"`}},
		{"an owner id that wraps to root", entry(`"path":"/a","how":"bind","type":"directory","user":"4294967296"`), []string{"entries[0]", `user "4294967296"`}},
		{"the same path twice", `{` + testBase + `,"entries":[{"path":"/a","how":"bind","type":"file"},{"path":"/a","how":"bind","type":"file"}]}`, []string{"entries[0] and entries[1]", "declared twice"}},
		// sections
		{"audit as a list", `{` + testBase + `,"audit":[]}`, []string{"audit"}},
		{"keep roots as a huge number", `{` + testBase + `,"keep":{"roots":1e400}}`, []string{"keep"}},
		{"layout with the dataset as the docker zvol", `{` + testBase + `,"layout":{"dockerZvol":"rpool/nixos/empty"}}`, []string{"layout.dockerZvol", "rolled back at every boot"}},
		{"layout as a string", `{` + testBase + `,"layout":"default"}`, []string{"layout"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.json))
			if err == nil || c != nil {
				t.Fatalf("accepted: %+v", c)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not match ErrInvalid: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.IndexFunc(line, unicode.IsControl) >= 0 {
					t.Errorf("error line %q holds a control character", line)
				}
			}
		})
	}
}
