package mounts

import (
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// handle is an open O_PATH descriptor with the path it was reached by and
// its stat; every lookup beneath a root goes through package pathsafe.
type handle = pathsafe.Handle

// none is the handle of nothing.
var none = pathsafe.None

func lookup(parent handle, name string) (handle, error) { return pathsafe.Lookup(parent, name) }

// walk opens the directory rel beneath start, one component at a time,
// each checked by t. With create set, missing components are made
// root:root 0755 and recorded in *created.
func walk(start handle, rel string, t pathsafe.Rule, create bool, created *[]string) (handle, error) {
	var mk pathsafe.Creator
	if create {
		mk = func(parent handle, name string) (handle, error) {
			h, err := makeDir(parent, name, pathsafe.Owner{}, 0o755)
			if err == nil {
				*created = append(*created, h.Path)
			}
			return h, err
		}
	}
	return pathsafe.Walk(start, rel, t, mk)
}

// trustFor is the rule for the directories on the way to e's copy and
// target; copyTrust is the rule for the copy itself.
func trustFor(e Entry) pathsafe.Rule  { return pathsafe.Rule{UID: e.UID, GID: e.GID} }
func copyTrust(e Entry) pathsafe.Rule { return pathsafe.Rule{UID: e.UID, GID: e.GID, Final: true} }

func restat(h *handle) error { return h.Restat() }

// inside checks, after the fact, that an fd really is beneath root.
func inside(h handle, root handle, canon string) error { return pathsafe.Within(h, canon, root.Path) }

// reopen turns an O_PATH handle into a real descriptor; only directories
// and regular files are ever opened.
func reopen(h handle, flags int) (int, error) { return pathsafe.Reopen(h, flags) }

func typeName(mode uint32) string  { return pathsafe.TypeName(mode) }
func join(dir, name string) string { return pathsafe.Join(dir, name) }
func sameFile(a, b handle) bool    { return a.Same(b) }
