package keep

import (
	"fmt"
	"strings"
)

// ensureContainer creates <parent>/blankslate-prev, never mounted, when
// missing, and reports whether it did.
func ensureContainer(z ZFS, req Request) (created bool, err error) {
	c := req.container()
	if c == "" {
		return false, fmt.Errorf("keep: %s is a pool's root dataset; nothing is kept", req.Dataset)
	}
	ok, err := exists(z, c)
	if err != nil || ok {
		return false, err
	}
	if err := z.CreateFS(c, map[string]string{"canmount": "off", "mountpoint": "none"}); err != nil {
		return false, fmt.Errorf("keep: creating %s (nothing was changed): %w", c, err)
	}
	req.Log.Infof("keep: [created] %s (canmount=off, mountpoint=none) for the kept roots", c)
	return true, nil
}

// firstName is the name freeName tries first: <container>/<UTC time>.
func (r Request) firstName() string { return r.container() + "/" + r.Now.UTC().Format(TimeFormat) }

// freeName is <container>/<UTC time>, with -2, -3 … when that exists already.
func freeName(z ZFS, req Request) (string, error) {
	base := req.firstName()
	name := base
	for i := 2; i < 100; i++ {
		ok, err := exists(z, name)
		if err != nil || !ok {
			return name, err
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return "", fmt.Errorf("keep: no free name for a kept root beside %s", base)
}

// Prune destroys the oldest kept roots beyond those it keeps: every held
// root (HoldProp), the newest req.Roots of the others, and the newest MaxPending of the roots waiting for their listing
// after boot (SetAside), which a boot must not take away before the listing
// had its chance. A waiting root older than both is destroyed unlisted, and
// the journal says so: the listing has not run for that many boots. Only kept
// roots (clones of D@start, or of a kept root's boot snapshot) beneath the
// container, without children, are destroyed, one dataset each; anything else
// there is left alone and reported. A kept root that a later one (or this
// boot's root) is a clone of waits until that one is pruned.
func Prune(z ZFS, req Request) ([]string, error) {
	return prune(z, req, func(ours []Root) []Root { return doomed(ours, req.Roots, false) })
}

// pruneWaiting is what a boot that sets its root aside unfinished
// (SetAsideForMount) prunes before the rename, while D still owns @start:
// only the roots waiting for their listing that Prune would destroy once the
// new root is set aside (it counts as the newest, waiting). The other kept
// roots beyond keep.roots go when the new root is listed (Listed), after
// boot. So the roots waiting stay bounded when the listing never runs.
func pruneWaiting(z ZFS, req Request) ([]string, error) {
	return prune(z, req, func(ours []Root) []Root { return doomed(ours, req.Roots, true) })
}

func prune(z ZFS, req Request, pick func([]Root) []Root) ([]string, error) {
	roots, err := List(z, req.Dataset, req.Snapshot)
	if err != nil {
		return nil, err
	}
	var ours []Root
	for _, r := range roots {
		if req.keptOrigin(r.Origin) && !r.OwnsStart {
			ours = append(ours, r)
		} else {
			req.Log.Warnf("keep: %s is not a kept root of %s (origin %q); left alone", r.Name, req.start(), r.Origin)
		}
	}
	var pruned []string
	for _, r := range pick(ours) {
		busy, err := pruneOne(z, req, r)
		if err != nil {
			return pruned, err
		}
		if !busy {
			pruned = append(pruned, r.Name)
		}
	}
	if len(pruned) > 0 {
		req.after(StepPrune)
	}
	return pruned, nil
}

// doomed are the roots (oldest first) that are not held, and neither rank
// among the newest n that are not held nor wait for their listing among the
// newest MaxPending that wait. A held root counts for nothing: it is the
// user's to release (HoldProp). With incoming, a root about to be set aside
// counts as the newest, waiting, and only waiting roots are returned.
func doomed(roots []Root, n int, incoming bool) []Root {
	var out []Root
	waiting, newer := 0, 0
	if incoming {
		waiting, newer = 1, 1
	}
	for i := len(roots) - 1; i >= 0; i-- {
		r := roots[i]
		if r.Held() {
			continue
		}
		spare := newer < n
		newer++
		if r.Pending() {
			waiting++
			spare = spare || waiting <= MaxPending
		}
		if !spare && (!incoming || r.Pending()) {
			out = append([]Root{r}, out...)
		}
	}
	return out
}

// pruneOne destroys one kept root, and first its boot snapshots that nothing
// is a clone of (one batch). It reports busy, and destroys nothing, when one
// of its boot snapshots has a clone: a later kept root or this boot's root.
func pruneOne(z ZFS, req Request, r Root) (busy bool, err error) {
	if !strings.HasPrefix(r.Name, req.container()+"/") {
		return false, fmt.Errorf("keep: refusing to destroy %s: not beneath %s", r.Name, req.container())
	}
	snaps, err := z.Snapshots(r.Name)
	if err != nil {
		return false, fmt.Errorf("keep: listing the snapshots of %s: %w", r.Name, err)
	}
	kids, err := z.Children(r.Name)
	if err != nil {
		return false, fmt.Errorf("keep: listing the children of %s: %w", r.Name, err)
	}
	var boots []string
	for _, s := range snaps {
		switch {
		case !isBootSnapName(s.Name):
			kids = append(kids, s.Name)
		case len(s.Clones) > 0:
			req.Log.Infof("keep: [not pruned] %s: %s was booted from it and still depends on it; it goes after that one", r.Name, s.Clones[0])
			return true, nil
		default:
			boots = append(boots, s.Name)
		}
	}
	if len(kids) > 0 {
		return false, fmt.Errorf("keep: not pruning %s: it has snapshots or child datasets blankslate did not make (%v; zfs list -r -t all %s)", r.Name, kids, r.Name)
	}
	if err := z.DestroySnapshots(boots); err != nil {
		return false, fmt.Errorf("keep: destroying the boot snapshots of the old kept root %s: %w", r.Name, err)
	}
	if err := z.Destroy(r.Name); err != nil {
		return false, fmt.Errorf("keep: destroying the old kept root %s: %w", r.Name, err)
	}
	if r.Pending() {
		req.Log.Warnf("keep: [pruned] %s (kept %s) unlisted: more than %d roots were waiting for their listing after boot (is blankslate-audit.service enabled?)",
			r.Name, r.Time.Format("2006-01-02 15:04:05Z"), MaxPending)
		return false, nil
	}
	req.Log.Infof("keep: [pruned] %s (kept %s; more than %d kept roots)", r.Name, r.Time.Format("2006-01-02 15:04:05Z"), req.Roots)
	return false, nil
}
