package check

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// WhereUnder lists where a system mounted at a root other than / keeps its
// configuration, in the order LoadConfigUnder looks: on NixOS, the current system
// profile's etc (nix/module.nix puts the file in environment.etc, which the
// profile's etc tree holds, and the same file in the initrd, so it is what
// the next boot reads); elsewhere (dracut, make install) /etc itself.
var WhereUnder = []string{
	"/nix/var/nix/profiles/system/etc/blankslate/config.json",
	config.DefaultPath,
}

// LoadConfigUnder reads the configuration of the system mounted at root (a
// rescued system at /mnt), the first of WhereUnder that exists. Symlinks
// are followed as that system would follow them, beneath root, never into
// the host's /nix (pathsafe.ReadInRoot). The second result names the file,
// and the file it resolved to when that differs. When none exists the
// built-in default is returned, and the second result says where it looked.
func LoadConfigUnder(root string) (*config.Config, string, error) {
	for _, rel := range WhereUnder {
		shown := strings.TrimSuffix(root, "/") + rel
		data, real, err := pathsafe.ReadInRoot(root, rel, config.MaxFileSize)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, shown, fmt.Errorf("reading configuration: %w", err)
		}
		if real != shown {
			shown += " (" + real + ")"
		}
		c, err := config.Parse(data)
		if err != nil {
			return nil, shown, fmt.Errorf("configuration %s: %w", shown, err)
		}
		return c, shown, nil
	}
	return config.Default(), fmt.Sprintf("built-in default (no %s beneath %s)", strings.Join(WhereUnder, " nor "), root), nil
}
