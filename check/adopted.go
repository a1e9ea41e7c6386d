package check

import (
	"errors"
	"fmt"

	"github.com/blankslate/blankslate/internal/adopted"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// adopted warns of each path `blankslate adopt` attached for this boot
// only: until the configuration declares it, the next boot does not
// attach it (its persistent copy stays, unseen).
func (r *run) adopted(pr string) {
	h, err := pathsafe.OpenRoot(pr, pathsafe.Root)
	if err != nil {
		return // persist.mounted and the entries report the root itself
	}
	defer h.Close()
	notes, err := adopted.Read(h)
	var unsafe *pathsafe.Unsafe
	switch {
	case errors.As(err, &unsafe):
		r.fs.add("persist.adopted", Warning, pathsafe.Join(pr, adopted.Dir), "the notes of adopted paths were not read: "+unsafe.Reason, unsafe.Fix)
	case err != nil:
		r.fs.add("persist.adopted", Warning, pathsafe.Join(pr, adopted.Dir), fmt.Sprintf("the notes of adopted paths were not read: %v", err), "ls -l "+pathsafe.Join(pr, adopted.Dir))
	}
	for _, n := range adopted.Undeclared(notes, r.cfg) {
		r.fs.add("persist.adopted", Warning, n.Entry.Path,
			fmt.Sprintf("was adopted (%s) but is not declared: the next boot will not attach it; its copy stays in %s",
				n.Adopted.UTC().Format("2006-01-02 15:04Z"), joinRoot(pr, n.Entry.Path)),
			fmt.Sprintf("Declare it, then nixos-rebuild boot: %s (or add %s to \"entries\" in config.json)", adopted.NixLine(n.Entry), adopted.JSONEntry(n.Entry))).
			with("entry", n.Entry)
	}
}
