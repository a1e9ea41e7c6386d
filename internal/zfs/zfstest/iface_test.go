package zfstest_test

import (
	"reflect"
	"testing"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/check"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
	"github.com/blankslate/blankslate/keep"
	"github.com/blankslate/blankslate/rollback"
	"github.com/blankslate/blankslate/rootdiff"
)

// One model stands in for the binding in every consumer's tests.
var (
	_ rollback.ZFS    = (*zfstest.Model)(nil)
	_ keep.ZFS        = (*zfstest.Model)(nil)
	_ keep.Reader     = (*zfstest.Model)(nil)
	_ check.ZFS       = (*zfstest.Model)(nil)
	_ rootdiff.Source = (*zfstest.Model)(nil)
	_ audit.Source    = (*zfstest.Model)(nil)
)

// The model has every call of the binding, with the same signature, so that
// a consumer interface that grows a binding method can be tested at once.
func TestModelHasEveryMethodOfTheBinding(t *testing.T) {
	handle, model := reflect.TypeOf((*libzfs.Handle)(nil)), reflect.TypeOf((*zfstest.Model)(nil))
	for i := 0; i < handle.NumMethod(); i++ {
		h := handle.Method(i)
		if h.Name == "Close" {
			continue // the handle's own lifetime
		}
		mm, ok := model.MethodByName(h.Name)
		if !ok {
			t.Errorf("the model has no %s%s", h.Name, h.Type.String()[len("func(*libzfs.Handle"):])
			continue
		}
		if hs, ms := signature(h.Type), signature(mm.Type); hs != ms {
			t.Errorf("%s: the binding has %s, the model %s", h.Name, hs, ms)
		}
	}
}

// signature is a method type without its receiver.
func signature(f reflect.Type) string {
	var in, out []reflect.Type
	for i := 1; i < f.NumIn(); i++ {
		in = append(in, f.In(i))
	}
	for i := 0; i < f.NumOut(); i++ {
		out = append(out, f.Out(i))
	}
	return reflect.FuncOf(in, out, f.IsVariadic()).String()
}
