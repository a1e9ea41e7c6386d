package mounts

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// Apply attaches each entry: the persistent copy is <persistRoot><Path>,
// the target is <newRoot><Path>. Both roots are absolute paths as seen from
// the current mount namespace ("/sysroot", "/sysroot/persist"). A missing
// persistent copy is created with the entry's owner and mode, missing
// parents on both sides root:root 0755. An entry that is unsafe or would
// destroy data is refused (a *Refusal) and the others still proceed; an
// entry already attached is left alone, so running Apply twice is harmless.
// It logs a failure at level error, each entry attached at level debug (a
// thousand lines on a serial console cost a boot seconds), and a summary;
// log may be nil.
func Apply(newRoot, persistRoot string, entries []Entry, log *logrus.Logger) Result {
	start := time.Now()
	if log == nil {
		log = quiet()
	}
	r, rootErr := openRoots(newRoot, persistRoot)
	if r != nil {
		defer r.Close()
	}
	res := Result{Outcomes: make([]Outcome, 0, len(entries))}
	for _, e := range entries {
		var o Outcome
		if rootErr != nil {
			o = failed(e, rootProblem{rootErr, e})
		} else {
			o = applyEntry(r, e)
		}
		logOutcome(log, newRoot, persistRoot, o)
		res.Outcomes = append(res.Outcomes, o)
	}
	if r != nil && createdAny(res) {
		if err := syncRoot(r.persist); err != nil {
			log.WithError(err).Warn("could not sync the persistent root; the copies created now may have to be created again after a power cut")
		}
	}
	res.Took = time.Since(start)
	logSummary(log, res)
	return res
}

// applyEntry makes sure the persistent copy exists, then attaches it.
func applyEntry(r *roots, e Entry) Outcome {
	o := Outcome{Entry: e}
	rel, err := e.rel()
	if err == nil {
		err = e.check()
	}
	if err != nil {
		return failed(e, fmt.Errorf("invalid entry: %w", err))
	}
	if err := r.overlapsPersist(e); err != nil {
		return failed(e, err)
	}
	if err := precheckTarget(r, e, rel, join(r.persist.Path, rel)); err != nil {
		return failed(e, err)
	}
	src, err := openCopy(r, e, rel, true, &o.Created)
	if err != nil {
		return withCreated(failed(e, err), o.Created)
	}
	defer src.Close()
	if e.How == Bind {
		o.Action, err = attachBind(r, e, rel, src, &o.Created)
	} else {
		o.Action, err = attachSymlink(r, e, rel, src, &o.Created)
	}
	if err != nil {
		return withCreated(failed(e, err), o.Created)
	}
	return o
}

func failed(e Entry, err error) Outcome {
	action := ActionFailed
	if errors.Is(err, ErrRefused) {
		action = ActionRefused
	}
	return Outcome{Entry: e, Action: action, Err: forEntry(e, err)}
}

// rootProblem explains, for each entry, that the roots themselves could not
// be used: nothing was done for any entry.
type rootProblem struct {
	err error
	e   Entry
}

func (p rootProblem) Error() string {
	return fmt.Sprintf("%v; %s. Check that the new root and the persistent root are mounted and are real, root-owned directories.", p.err, p.e.untouched())
}

func (p rootProblem) Unwrap() error { return p.err }

func withCreated(o Outcome, created []string) Outcome {
	o.Created = created
	return o
}

// logOutcome writes the entry's one line: what was done and where, or why
// not. It is read by a person at a rescue shell, so it names paths in full.
func logOutcome(log *logrus.Logger, newRoot, persistRoot string, o Outcome) {
	e := o.Entry
	target, source := join(newRoot, strings.TrimPrefix(e.Path, "/")), join(persistRoot, strings.TrimPrefix(e.Path, "/"))
	l := log.WithFields(logrus.Fields{
		"entry": e.Path, "how": string(e.How), "type": string(e.Kind),
		"action": o.Action, "source": source, "target": target,
	})
	if o.Err != nil {
		msg := o.Err.Error()
		if len(o.Created) > 0 {
			msg += " Before that, this run created " + strings.Join(o.Created, ", ") + "."
		}
		l.Error(msg)
		return
	}
	var msg string
	switch o.Action {
	case ActionBindMounted:
		msg = fmt.Sprintf("%s: bind-mounted %s on %s", e.Path, source, target)
	case ActionAlreadyMounted:
		msg = fmt.Sprintf("%s: already mounted: %s is a bind mount of %s; nothing to do", e.Path, target, source)
	case ActionSymlinked:
		msg = fmt.Sprintf("%s: symlinked %s -> %s (%s)", e.Path, target, linkTextFor(newRoot, persistRoot, e), source)
	default:
		msg = fmt.Sprintf("%s: already linked: %s -> %s; nothing to do", e.Path, target, linkTextFor(newRoot, persistRoot, e))
	}
	l.Debug(msg + createdNote(o, source))
}

// createdNote tells what this run created, and why a new machine-id copy
// is not empty.
func createdNote(o Outcome, source string) string {
	if len(o.Created) == 0 {
		return ""
	}
	note := "; created " + strings.Join(o.Created, ", ")
	if len(initialContent(o.Entry)) > 0 && slices.Contains(o.Created, source) {
		note += ` (the new persistent copy holds "uninitialized", so systemd treats this boot as the first one; systemd-machine-id-commit, pointed at the persistent root, saves the new ID there)`
	}
	return note
}

func linkTextFor(newRoot, persistRoot string, e Entry) string {
	return "/" + strings.TrimPrefix(strings.TrimPrefix(persistRoot, newRoot), "/") + e.Path
}

func logSummary(log *logrus.Logger, res Result) {
	n, bad := len(res.Outcomes), res.Failed()
	msg := fmt.Sprintf("attached %d of %d entries, %d failed, in %s", n-bad, n, bad, res.Took.Round(time.Microsecond))
	if bad > 0 {
		log.WithField("failed", bad).Error(msg + "; each failure is named above")
		return
	}
	log.WithField("failed", 0).Info(msg)
}

func quiet() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func createdAny(res Result) bool {
	for _, o := range res.Outcomes {
		if len(o.Created) > 0 {
			return true
		}
	}
	return false
}
