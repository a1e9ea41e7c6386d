package keep

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Step names, in order; AfterStep receives them.
const (
	StepHold    = "hold" // the hold written on D before a held keep (holdFirst)
	StepRename  = "rename"
	StepClone   = "clone"
	StepPromote = "promote"
	StepPrune   = "prune"
	// StepFinishing: blankslate audit found D still a clone of the root the
	// boot set aside, before it promotes it (Finish): the running system,
	// cut between the clone and the promotion.
	StepFinishing = "finishing"
)

// ContainerName is the dataset beneath which kept roots live: a sibling of the
// root dataset, <parent>/blankslate-prev.
const ContainerName = "blankslate-prev"

// TimeFormat names a kept root after the UTC time it was kept.
const TimeFormat = "20060102T150405Z"

// Logger is where keep says what it does (logrus.Logger satisfies it).
type Logger interface {
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
}

// Request says what to keep.
type Request struct {
	Dataset  string // the root dataset D, e.g. rpool/nixos/empty
	Snapshot string // its blank snapshot, without @
	Roots    int    // kept roots to retain; 0 keeps none (Repair still runs)
	// AuditPending marks every root this request keeps (and every one Repair
	// seals) as waiting for its listing after boot (SetAside).
	AuditPending bool
	// Hold, when set, holds every root this request keeps (HoldProp): it is
	// never pruned until the user releases it. It says why.
	Hold string
	Now  time.Time
	Log  Logger
	// AfterStep, if set, runs after each step with its name. It exists only for
	// the VM power-cut tests (cmd/blankslate sets it from the environment).
	AfterStep func(step string)
}

// Container is the container dataset for the root dataset d.
func Container(d string) string {
	i := strings.LastIndexByte(d, '/')
	if i < 0 {
		return ""
	}
	return d[:i+1] + ContainerName
}

func (r Request) container() string { return Container(r.Dataset) }
func (r Request) start() string     { return r.Dataset + "@" + r.Snapshot }

// keptOrigin reports whether a dataset with this origin in the container is a
// kept root: kept by a normal boot (a clone of D@start) or returned from a
// recovery boot (a clone of a kept root's boot snapshot).
func (r Request) keptOrigin(origin string) bool {
	return origin == r.start() || isBootSnap(r.Dataset, origin)
}

func (r Request) after(step string) {
	if r.AfterStep != nil {
		r.AfterStep(step)
	}
}

// Result says what Keep did.
type Result struct {
	Kept   string   // the kept root made by this run, "" when none
	Pruned []string // kept roots destroyed
}

// Keep keeps the root dataset as a previous root when it has data written
// since the snapshot and req.Roots > 0, then prunes. When anything keeps it from
// keeping (D mounted, newer snapshots …) it says so and leaves D to the rollback,
// which refuses or discards as usual.
func Keep(z ZFS, req Request) (Result, error) {
	var res Result
	if req.Roots <= 0 {
		return res, nil
	}
	ok, why, err := keepable(z, req)
	if err != nil {
		return res, err
	}
	if !ok {
		req.Log.Infof("keep: [skipped] %s is not kept: %s", req.Dataset, why)
	} else if res.Kept, err = keepRoot(z, req); err != nil {
		return res, err
	}
	res.Pruned, err = Prune(z, req)
	return res, err
}

// keepRoot runs steps 1–3 for a root that keepable accepted.
func keepRoot(z ZFS, req Request) (string, error) {
	seq, err := nextSeq(z, req, "") // read before the first write: the boot's own reads answer it
	if err != nil {
		return "", err
	}
	if err := holdFirst(z, req); err != nil {
		return "", err
	}
	props, err := z.LocalProps(req.Dataset)
	if err != nil {
		return "", fmt.Errorf("keep: reading the local properties of %s (nothing was changed): %w", req.Dataset, err)
	}
	name, err := renameAndClone(z, req, props)
	if err != nil {
		return "", err
	}
	if err := promoteAndSeal(z, req, name, seq); err != nil {
		return "", err
	}
	return name, nil
}

// renameAndClone runs steps 1 and 2: D renamed into the container, its
// @start cloned back as D with props (D's local properties). After it D can
// be mounted; a failed clone renames D back.
func renameAndClone(z ZFS, req Request, props map[string]string) (string, error) {
	created, err := ensureContainer(z, req)
	if err != nil {
		return "", err
	}
	name := req.firstName() // a container just created holds nothing: no need to ask
	if !created {
		if name, err = freeName(z, req); err != nil {
			return "", err
		}
	}
	if err := z.Rename(req.Dataset, name); err != nil {
		return "", fmt.Errorf("keep: renaming %s to %s (nothing was changed): %w", req.Dataset, name, err)
	}
	req.Log.Infof("keep: [renamed] %s to %s; it keeps this boot's root", req.Dataset, name)
	req.after(StepRename)
	if err := cloneBack(z, req, name, props); err != nil {
		return "", undoRename(z, req, name, err)
	}
	return name, nil
}

// cloneBack is step 2: <kept>@start cloned as D with D's local properties,
// but for the kept root's own (its hold and number): D is never held.
func cloneBack(z ZFS, req Request, kept string, props map[string]string) error {
	snap := kept + "@" + req.Snapshot
	props = maps.Clone(props)
	delete(props, HoldProp)
	delete(props, SeqProp)
	if err := z.Clone(snap, req.Dataset, props); err != nil {
		return fmt.Errorf("keep: cloning %s as %s: %w", snap, req.Dataset, err)
	}
	req.Log.Infof("keep: [cloned] %s as %s with its properties %s", snap, req.Dataset, propList(props))
	req.after(StepClone)
	return nil
}

// promoteAndSeal is step 3: D takes @start back, the kept root is sealed.
func promoteAndSeal(z ZFS, req Request, kept string, seq uint64) error {
	if err := z.Promote(req.Dataset); err != nil {
		return fmt.Errorf("keep: promoting %s (it is a clone of %s@%s; the next boot promotes it again): %w",
			req.Dataset, kept, req.Snapshot, err)
	}
	req.Log.Infof("keep: [promoted] %s: it owns @%s again", req.Dataset, req.Snapshot)
	req.after(StepPromote)
	return seal(z, req, kept, seq)
}

// seal makes a kept root read-only and never mounted by itself, numbers it
// seq in the keep order (SeqProp, from nextSeq), marks it as waiting for its
// listing or as held when the request says so: one call, one transaction
// group.
func seal(z ZFS, req Request, kept string, seq uint64) error {
	props := map[string]string{"readonly": "on", "canmount": "noauto", SeqProp: strconv.FormatUint(seq, 10)}
	if req.AuditPending {
		props[zfs.AuditProp] = AuditPending
	}
	if req.Hold != "" {
		props[HoldProp] = req.Hold
	}
	if err := z.SetProps(kept, props); err != nil {
		return fmt.Errorf("keep: sealing %s (%s): %w", kept, propList(props), err)
	}
	switch {
	case req.Hold != "":
		req.Log.Warnf("keep: [held] %s (readonly), never pruned until released with: %s (%s)", kept, Release(kept), req.Hold)
	case req.AuditPending:
		req.Log.Infof("keep: [set aside] %s (readonly) until what it holds is listed after boot", kept)
	default:
		req.Log.Infof("keep: [kept] %s (readonly; mount it with: mount -t zfs -o ro %s /mnt)", kept, kept)
	}
	return nil
}

// holdFirst writes the hold on D itself before a held keep renames it, so
// that the hold travels with the rename: a cut before the seal leaves the
// kept root held, and the repair's seal keeps it so. An extra transaction,
// on a boot that holds only.
func holdFirst(z ZFS, req Request) error {
	if req.Hold == "" {
		return nil
	}
	if err := z.SetProp(req.Dataset, HoldProp, req.Hold); err != nil {
		return fmt.Errorf("keep: holding %s (%s=%s; nothing else was changed): %w", req.Dataset, HoldProp, req.Hold, err)
	}
	req.after(StepHold)
	return nil
}

// undoRename puts D back where it was after a failed clone, so that the
// rollback finds it.
func undoRename(z ZFS, req Request, kept string, cause error) error {
	if err := z.Rename(kept, req.Dataset); err != nil {
		return fmt.Errorf("%w; renaming %s back to %s failed too (the next boot repairs it): %v", cause, kept, req.Dataset, err)
	}
	return fmt.Errorf("%w; %s was renamed back to %s, nothing is kept", cause, kept, req.Dataset)
}

func propList(props map[string]string) string {
	if len(props) == 0 {
		return "(none set locally)"
	}
	var parts []string
	for _, k := range sortedKeys(props) {
		parts = append(parts, k+"="+props[k])
	}
	return strings.Join(parts, " ")
}
