package restore

import (
	"errors"
	"fmt"
	"path"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// sizes is what a copy will write, as the plan counts it.
type sizes struct {
	// Data is the bytes of file data to go through the copy: each regular
	// file's size, each file with several names once (the others become
	// hard links). Progress counts against it.
	Data int64
	// Space is what the copy takes on the target: each file's allocated
	// blocks (a hole takes none, and a hole stays a hole), plus a block
	// for each directory and symlink.
	Space uint64
}

// metaBlock is what a directory or a symlink is counted to take.
const metaBlock = 4096

func (s *sizes) count(h pathsafe.Handle, seen map[fileID]bool) {
	if !h.IsFile() {
		s.Space += metaBlock
		return
	}
	id := fileID{h.Stat.Dev, h.Stat.Ino}
	if h.Stat.Nlink > 1 {
		if seen[id] {
			return
		}
		seen[id] = true
	}
	s.Data += h.Stat.Size
	s.Space += uint64(h.Stat.Blocks) * 512 // st_blocks counts 512-byte units (stat(2))
}

// NoSpace is a refusal for want of space: nothing was copied.
type NoSpace struct {
	Where       string // the directory whose file system was asked
	Need, Avail uint64
}

func (e *NoSpace) Error() string {
	return fmt.Sprintf("the copy needs %s, and %s more is kept free for the file system itself, but the file system of %s has %s free; nothing was copied: "+
		"free some space there (zfs list -o space shows where it went), or copy a smaller part",
		human.Bytes(e.Need), human.Bytes(headroom(e.Need)), e.Where, human.Bytes(e.Avail))
}

// headroom is kept free beyond the copy itself: ZFS needs some space of
// its own to write, and a file system filled to the last byte helps no
// one, least of all a person restoring from a rescue shell.
func headroom(need uint64) uint64 { return max(need/32, 16<<20) }

// spaceFor decides whether a file system as statfs describes it has room
// for need bytes: the copy plus headroom, in what an unprivileged writer
// may use (f_bavail). One that keeps no count at all (ramfs: f_blocks 0)
// cannot be judged, and is not refused.
func spaceFor(need uint64, st unix.Statfs_t) (avail uint64, ok bool) {
	avail = st.Bavail * uint64(st.Bsize)
	return avail, st.Blocks == 0 || need+headroom(need) <= avail
}

// enoughSpace asks the file system that the copy lands on (that of the
// deepest directory of rel beneath to that exists already) how much is
// free for an unprivileged writer's view (f_bavail), and refuses when it
// is short.
func enoughSpace(to pathsafe.Handle, rel string, sz sizes) error {
	dir, err := deepestDir(to, path.Dir(rel))
	if err != nil {
		return err
	}
	defer dir.Close()
	var st unix.Statfs_t
	if err := unix.Fstatfs(dir.FD, &st); err != nil {
		return fmt.Errorf("asking the free space of %s: %w; nothing was copied", dir.Path, err)
	}
	if avail, ok := spaceFor(sz.Space, st); !ok {
		return &NoSpace{Where: dir.Path, Need: sz.Space, Avail: avail}
	}
	return nil
}

// deepestDir opens the directory rel beneath to, or its nearest ancestor
// that exists.
func deepestDir(to pathsafe.Handle, rel string) (pathsafe.Handle, error) {
	for {
		if rel == "." {
			return to.Dup() // named as given, not "<to>/."
		}
		h, err := pathsafe.OpenBeneath(to, rel, unix.O_PATH|unix.O_DIRECTORY)
		if err == nil || !(errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR)) {
			return h, err
		}
		rel = path.Dir(rel)
	}
}
