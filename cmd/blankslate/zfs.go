package main

import (
	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/check"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/keep"
	"github.com/blankslate/blankslate/rollback"
	"github.com/blankslate/blankslate/rootdiff"
)

// The binding satisfies every consumer's interface; the consumers declare them
// and know nothing of cgo, the binding knows nothing of them.
var (
	_ rollback.ZFS    = (*libzfs.Handle)(nil)
	_ keep.ZFS        = (*libzfs.Handle)(nil)
	_ check.ZFS       = (*libzfs.Handle)(nil)
	_ audit.Source    = (*libzfs.Handle)(nil)
	_ rootdiff.Source = (*libzfs.Handle)(nil)
)
