package mounts

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// maxIDFile bounds what is read of an owner database: /etc/passwd and
// /etc/group of the initrd, and the NixOS maps, which hold one short line
// per name; a larger file is refused, never read in part.
const maxIDFile = 1 << 20

// passwdLookup reads name:x:id:… lines (/etc/passwd and /etc/group alike)
// of the running system, at most maxIDFile bytes of a regular file.
func passwdLookup(path string) func(string) (int, bool) {
	return func(name string) (int, bool) {
		data, err := pathsafe.ReadSystemFile(path, maxIDFile)
		if err != nil {
			return 0, false
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			fields := strings.Split(sc.Text(), ":")
			if len(fields) >= 3 && fields[0] == name {
				id, err := strconv.Atoi(fields[2])
				return id, err == nil
			}
		}
		return 0, false
	}
}

// nixosMap is one of the maps NixOS keeps of the ids it allocated,
// <persistRoot>/var/lib/nixos/uid-map or gid-map, read once, when an entry
// first needs it. It lies beneath the persistent root, so it is read like
// everything there: through pathsafe, a regular file of at most maxIDFile
// bytes, no symlink on the way, written by nobody less trusted than
// blankslate itself. A map that cannot be used makes only the entries
// that need it fail, with err saying why.
type nixosMap struct {
	persistRoot, rel string
	once             sync.Once
	ids              map[string]int
	err              error
}

func newNixosMap(persistRoot, name string) *nixosMap {
	return &nixosMap{persistRoot: persistRoot, rel: "var/lib/nixos/" + name}
}

func (m *nixosMap) shown() string { return pathsafe.Join(m.persistRoot, m.rel) }

func (m *nixosMap) lookup(name string) (int, bool) {
	m.once.Do(m.load)
	id, ok := m.ids[name]
	return id, ok
}

func (m *nixosMap) load() {
	// Root in the initrd; an unprivileged test run trusts its own files,
	// as nobody less privileged than the process can have written them.
	rule := pathsafe.Rule{UID: os.Geteuid(), GID: os.Getegid()}
	root, err := pathsafe.OpenRoot(m.persistRoot, rule)
	if errors.Is(err, unix.ENOENT) {
		return
	}
	if err != nil {
		m.err = err
		return
	}
	defer root.Close()
	data, err := pathsafe.ReadBeneath(root, m.rel, rule, maxIDFile)
	if errors.Is(err, unix.ENOENT) {
		return // no map yet (before the first activation): no names in it
	}
	if err != nil {
		m.err = err
		return
	}
	if err := json.Unmarshal(data, &m.ids); err != nil {
		m.err = fmt.Errorf("%s is not a JSON object of names to ids: %w", m.shown(), err)
	}
}

// unknownOwner explains an owner found in neither place: when the map
// could not be used, why, since that is what to repair.
func unknownOwner(path, kind, name, db, fix string, m *nixosMap) error {
	if m.err != nil {
		return fmt.Errorf("%s: %s %q is not in %s, and %s could not be used: %v; nothing was done for this entry. "+
			"Repair or remove that map (NixOS writes it again at activation), or %s",
			path, kind, name, db, m.shown(), m.err, fix)
	}
	return fmt.Errorf("%s: %s %q is unknown here (not in %s nor %s); nothing was done for this entry. %s",
		path, kind, name, db, m.shown(), strings.ToUpper(fix[:1])+fix[1:])
}
