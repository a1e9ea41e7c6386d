package restore

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// MaxEntries bounds one Copy: a kept root is someone else's tree, and the
// plan of what to copy is held in memory.
const MaxEntries = 1 << 20

// ErrMissing matches (with errors.Is) a path that is not in the tree
// copied from.
var ErrMissing = errors.New("nothing was copied")

// Options change what Copy may do.
type Options struct {
	// Force replaces an existing file or symlink of the target. A directory
	// is never replaced by a file, nor a file by a directory.
	Force bool
	// OneFileSystem refuses the copy when anything beneath what is copied
	// is on another mount than its top (adopt: another file system's
	// files, such as a user's FUSE mount, must not land in /persist).
	OneFileSystem bool
	// Progress, when set, is told the bytes of file data copied so far
	// and the total the plan found, after each chunk (at most chunk bytes).
	Progress func(done, total int64)
}

// Item is one thing Copy restored or skipped, for the report.
type Item struct {
	Path   string // beneath the roots, with a leading slash: "/etc/foo"
	Type   string // pathsafe.TypeName of the kept one
	Size   int64
	Action string // "restored", "replaced", "hard link", "skipped: …"
	LinkTo string // for a hard link: the path it is another name of
}

// Conflict is a refusal that changed nothing: which paths stood in the way.
type Conflict struct {
	Exist   []string // files of the target that only Force replaces
	Blocked []string // a file where a directory is kept, or the other way round
}

func (c *Conflict) Error() string {
	var parts []string
	if len(c.Exist) > 0 {
		parts = append(parts, fmt.Sprintf("%s already exist(s); add --force to replace", strings.Join(c.Exist, ", ")))
	}
	if len(c.Blocked) > 0 {
		parts = append(parts, fmt.Sprintf("%s stand(s) where the kept root has another type; move it away first (--force never replaces a directory by a file or a file by a directory)", strings.Join(c.Blocked, ", ")))
	}
	return strings.Join(parts, "; ") + "; nothing was restored"
}

// Copy copies rel (relative, clean, slash-separated) and everything beneath
// it from beneath from to the same place beneath to, creating missing
// parents as they are in from. It plans first and changes nothing when
// anything stands in the way (a *Conflict).
func Copy(from, to pathsafe.Handle, rel string, opt Options) ([]Item, error) {
	return CopyAs(from, to, rel, path.Base(rel), opt)
}

// CopyAs is Copy to another name in the same directory: rel beneath from
// becomes name in the directory of rel beneath to (adopt writes its copy
// under a temporary name first).
func CopyAs(from, to pathsafe.Handle, rel, name string, opt Options) ([]Item, error) {
	if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || strings.HasPrefix(rel, "../") || rel == ".." {
		return nil, fmt.Errorf("restore: %q is not a clean relative path beneath the root", rel)
	}
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return nil, fmt.Errorf("restore: bad name %q", name)
	}
	src, parents, err := Open(from, rel)
	if err != nil {
		return nil, err
	}
	defer closeAll(append(parents, src))
	dstRel := path.Join(path.Dir(rel), name)
	var mnt uint64
	if opt.OneFileSystem {
		if mnt, err = pathsafe.MountID(src); err != nil {
			return nil, err
		}
	}
	sz, err := plan(src, to, dstRel, opt, mnt)
	if err != nil {
		return nil, err
	}
	if err := enoughSpace(to, dstRel, sz); err != nil {
		return nil, err
	}
	c := &copier{opt: opt, links: map[fileID]pathsafe.Handle{}, mount: mnt, total: sz.Data}
	defer c.close()
	dst, err := c.targetParent(to, rel, parents, ruleFor(src))
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	if src.IsDir() && !exists(dst, name) {
		return c.stagedDir(src, dst, name, "/"+dstRel)
	}
	err = c.node(src, dst, name, "/"+dstRel)
	return c.items, err
}

func exists(dir pathsafe.Handle, name string) bool {
	h, err := pathsafe.Lookup(dir, name)
	h.Close()
	return !errors.Is(err, unix.ENOENT)
}

// Open opens rel beneath from without following any symlink, and every
// directory on the way, outermost first; the caller closes them all.
func Open(from pathsafe.Handle, rel string) (pathsafe.Handle, []pathsafe.Handle, error) {
	var parents []pathsafe.Handle
	cur := from
	names := strings.Split(rel, "/")
	for i, name := range names {
		h, err := pathsafe.Lookup(cur, name)
		if errors.Is(err, unix.ENOENT) {
			err = fmt.Errorf("%s is missing: %w", pathsafe.Join(from.Path, rel), ErrMissing)
		}
		if err == nil && i < len(names)-1 {
			err = pathsafe.MustBeDir(h)
		}
		if err != nil {
			h.Close()
			closeAll(parents)
			return pathsafe.None, nil, err
		}
		if i == len(names)-1 {
			return h, parents, nil
		}
		parents = append(parents, h)
		cur = h
	}
	return pathsafe.None, nil, fmt.Errorf("restore: empty path")
}

func closeAll(hs []pathsafe.Handle) {
	for _, h := range hs {
		h.Close()
	}
}

// ownerOf is the owner a copy of h gets, and the rule existing target
// directories on its way must pass.
func ownerOf(h pathsafe.Handle) pathsafe.Owner {
	return pathsafe.Owner{UID: int(h.Stat.Uid), GID: int(h.Stat.Gid)}
}

func ruleFor(h pathsafe.Handle) pathsafe.Rule {
	return pathsafe.Rule{UID: int(h.Stat.Uid), GID: int(h.Stat.Gid)}
}
