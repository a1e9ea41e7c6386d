package check

import (
	"fmt"
	"strings"

	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/keep"
)

// kept lists the previous roots (package keep) and warns when a keep was cut
// short. It reads only; the ZFS of a check implements keep.Reader when it can.
func (r *run) kept() {
	kr, ok := r.in.ZFS.(keep.Reader)
	if !ok {
		return
	}
	c := keep.Container(r.cfg.Dataset)
	roots, err := keep.List(kr, r.cfg.Dataset, r.cfg.Snapshot)
	if err != nil {
		r.fs.add("keep.roots", Warning, c, fmt.Sprintf("cannot list the kept roots: %v", err), "zfs list -r "+c)
		return
	}
	r.pendingKeep(kr)
	if len(roots) == 0 {
		if n := r.cfg.KeepRoots(); n > 0 {
			r.fs.add("keep.roots", Info, c, fmt.Sprintf("none kept yet; the next boot keeps this root (keep.roots = %d)", n), "")
		}
		return
	}
	r.fs.add("keep.roots", Info, c, keptMessage(roots, r.cfg.KeepRoots()), "").
		with("roots", keptData(roots))
	for _, k := range roots {
		if k.Audit == keep.AuditRetry {
			r.fs.add("audit.listing", Warning, k.Name,
				"the listing of what this root held failed; it stays set aside, read-only, and nothing is destroyed until a listing succeeds",
				"journalctl -u blankslate-audit says why; `blankslate audit` tries again")
		}
	}
}

func (r *run) pendingKeep(kr keep.Reader) {
	r.unfinishedAside(kr)
	why, err := keep.Pending(kr, r.cfg.Dataset, r.cfg.Snapshot)
	switch {
	case err != nil:
		r.fs.add("keep.repair", Warning, r.cfg.Dataset, fmt.Sprintf("cannot tell whether a keep was cut short: %v", err), "")
	case why != "":
		r.fs.add("keep.repair", Warning, r.cfg.Dataset, why,
			"Reboot: the next boot's `blankslate rollback` repairs it before anything else")
	}
}

func keptMessage(roots []keep.Root, n int) string {
	lines := make([]string, 0, len(roots))
	for _, k := range roots {
		when := "unknown time"
		if !k.Time.IsZero() {
			when = k.Time.Format("2006-01-02 15:04:05Z")
		}
		wait := ""
		if k.Pending() {
			wait = ", set aside until blankslate-audit.service lists it"
		}
		if k.Held() {
			wait += fmt.Sprintf(", HELD, never pruned (%s; release: %s)", k.Hold, keep.Release(k.Name))
		}
		lines = append(lines, fmt.Sprintf("%s (kept %s, %s%s)", k.Name, when, human.Bytes(k.Referenced), wait))
	}
	newest := roots[len(roots)-1].Name
	return fmt.Sprintf("%d kept root(s) of earlier boots (keep.roots = %d), oldest first: %s; to look into one, read-only: mount -t zfs -o ro %s /mnt",
		len(roots), n, strings.Join(lines, ", "), newest)
}

func keptData(roots []keep.Root) []map[string]any {
	out := make([]map[string]any, 0, len(roots))
	for _, k := range roots {
		out = append(out, map[string]any{"name": k.Name, "time": k.Time, "referenced": k.Referenced, "used": k.Used, "listingPending": k.Pending(), "held": k.Hold})
	}
	return out
}

// unfinishedAside says when the root is still a clone of the root the boot
// set aside (keep.Unfinished): normal between switch-root and
// blankslate-audit.service, which promotes it before it lists.
func (r *run) unfinishedAside(kr keep.Reader) {
	aside, err := keep.Unfinished(kr, r.cfg.Dataset, r.cfg.Snapshot)
	if err != nil || aside == "" {
		return // a read that fails is reported by the listing of the kept roots
	}
	r.fs.add("keep.aside", Info, r.cfg.Dataset,
		fmt.Sprintf("is a clone of %s@%s: the boot set the last root aside as %s and left its promotion and seal for after switch-root; "+
			"until then @%s lives on %s, which is writable", aside, r.cfg.Snapshot, aside, r.cfg.Snapshot, aside),
		"blankslate-audit.service does both before it lists (systemctl status blankslate-audit), and the next boot does them if it did not")
}
