package libzfs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// cgoHelpers are the C calls that reach no libzfs code: cgo's own string
// helpers, the C allocator, and conversions to C's scalar types.
var cgoHelpers = map[string]bool{
	"CString": true, "GoString": true, "GoStringN": true,
	"free": true, "calloc": true, "malloc": true,
	"int": true, "uint": true, "char": true, "size_t": true, "uint64_t": true,
}

// cCalls lists the C.name(…) calls in Go source src.
func cCalls(t *testing.T, name string, src []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "C" {
					calls = append(calls, sel.Sel.Name)
				}
			}
		}
		return true
	})
	return calls
}

// unshielded returns the C functions called from goSrc that are neither a
// cgo helper nor defined in cSrc with BS_SHIELD(); as their first statement.
func unshielded(t *testing.T, goSrc map[string][]byte, cSrc string) []string {
	var bad []string
	seen := map[string]bool{}
	for name, src := range goSrc {
		for _, fn := range cCalls(t, name, src) {
			if cgoHelpers[fn] || seen[fn] {
				continue
			}
			seen[fn] = true
			def := regexp.MustCompile(`(?m)^[a-z_][a-z0-9_ ]*[ *]` + regexp.QuoteMeta(fn) + `\([^)]*\)\s*\{\s*BS_SHIELD\(\);`)
			if !def.MatchString(cSrc) {
				bad = append(bad, fn)
			}
		}
	}
	sort.Strings(bad)
	return bad
}

// Every C function the binding calls blocks signals on its thread while it
// runs (bszfs_shield.h): a call that skips it can be ended by Go's own
// preemption signal (docs/libzfs-abi.md, "Signals").
func TestEveryCallIntoLibzfsIsShielded(t *testing.T) {
	goSrc := map[string][]byte{}
	var cSrc strings.Builder
	files, _ := filepath.Glob("*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(f, "_test.go"):
		case strings.HasSuffix(f, ".go"):
			goSrc[f] = b
		case strings.HasSuffix(f, ".c"):
			cSrc.Write(b)
		}
	}
	if len(goSrc) == 0 || cSrc.Len() == 0 {
		t.Fatal("no source found: the test runs in the package's directory")
	}
	if bad := unshielded(t, goSrc, cSrc.String()); len(bad) > 0 {
		t.Errorf("C functions called from Go without BS_SHIELD(); as their first statement: %v", bad)
	}
}

// The check itself: it finds a call straight into libzfs and an entry point
// that does not begin with the shield, and passes a shielded one.
func TestShieldCheckFindsUnshieldedCalls(t *testing.T) {
	const cSrc = `
int bs_good(libzfs_handle_t *h, const char *n)
{
	BS_SHIELD();
	return 0;
}

int bs_late(libzfs_handle_t *h)
{
	int rc = 0;
	BS_SHIELD();
	return rc;
}
`
	for _, tc := range []struct {
		name, goSrc string
		want        []string
	}{
		{"shielded", `package p; func f() { C.bs_good(nil, C.CString("x")); C.free(nil) }`, nil},
		{"shield not first", `package p; func f() { C.bs_late(nil) }`, []string{"bs_late"}},
		{"libzfs directly", `package p; func f() { C.libzfs_init(); C.bs_good(nil, nil) }`, []string{"libzfs_init"}},
		{"undefined", `package p; func f() { C.bs_missing(C.int(1)) }`, []string{"bs_missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := unshielded(t, map[string][]byte{"p.go": []byte(tc.goSrc)}, cSrc)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("unshielded = %v, want %v", got, tc.want)
			}
		})
	}
}
