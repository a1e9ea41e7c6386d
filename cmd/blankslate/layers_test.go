package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/blankslate/blankslate/"

// layer ranks the project's packages, bottom first: a package may import only
// packages of a lower rank (docs/DESIGN.md, "Packages"). A new package must be
// given a rank here, or this test fails.
var layer = map[string]int{
	"config": 0, "internal/zfs": 0, "internal/human": 0, "internal/event": 0,
	"internal/testns": 0, "internal/pathsafe": 0, "internal/bootstate": 0,
	"internal/mountinfo": 1, "internal/adopted": 1, "internal/progress": 1, "internal/zfs/libzfs": 1, "internal/zfs/zfstest": 1,
	"rollback": 2, "keep": 2, "mounts": 2, "rootdiff": 2, "restore": 2,
	"audit": 3, "check": 3, "adopt": 3,
	"boot":           4,
	"cmd/blankslate": 5,
	"testvm":         6, "testvm/demo": 7,
	"bench/unitsplit": 0, // a tool of the benchmark: imports nothing of ours
}

// TestImportsPointDown reads every non-test Go file of the module and checks
// that each import of a project package points to a lower layer; the binding
// in particular imports nothing of the project but internal/zfs.
func TestImportsPointDown(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	imports := projectImports(t, root)
	if len(imports) < 10 {
		t.Fatalf("found only %d packages under %s: the walk is broken", len(imports), root)
	}
	for _, pkg := range sortedKeys(imports) {
		rank, ok := layer[pkg]
		if !ok {
			t.Errorf("package %s has no layer: give it one in layers_test.go", pkg)
			continue
		}
		for _, imp := range imports[pkg] {
			if r, ok := layer[imp]; !ok || r >= rank {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point down", pkg, rank, imp, r)
			}
		}
	}
	if got := imports["internal/zfs/libzfs"]; len(got) != 1 || got[0] != "internal/zfs" {
		t.Errorf("the binding imports %v of the project; it must import internal/zfs alone", got)
	}
}

// projectImports maps each package directory (relative to root) to the
// project packages its non-test files import.
func projectImports(t *testing.T, root string) map[string][]string {
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() && path != root && hasOwnModule(path) {
			return filepath.SkipDir // another module (bench/report): not part of the binary's
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		seen := out[rel]
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(p, module) && !contains(seen, p[len(module):]) {
				seen = append(seen, p[len(module):])
			}
		}
		out[rel] = seen
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// hasOwnModule reports whether dir holds a go.mod of its own.
func hasOwnModule(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}
