// Package event writes blankslate's outcome records: one journal entry per outcome
// with a fixed MESSAGE_ID (so `journalctl MESSAGE_ID=…` finds every boot's result),
// and the same text as plain lines on stderr, which the units send to the console.
package event

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/coreos/go-systemd/v22/journal"
	"github.com/sirupsen/logrus"
)

// Outcome identifies a kind of record; each has its own MESSAGE_ID.
type Outcome string

// The outcomes and their MESSAGE_IDs (random 128-bit ids, fixed forever: tests and
// users' journal queries depend on them).
var messageIDs = map[Outcome]string{
	"rollback-done":    "7f4c1e0a9b3d4e7fa1c52d6b8e90f311",
	"rollback-noop":    "2a9e5b7c4d1f4a38b6e0c9d7f2a1b422",
	"rollback-refused": "c81d3f6a2e7b49c0a5d4e1f8b7c6a533",
	"rollback-failed":  "d5e2a8c1f9b64d07b3a6e8c2d1f4b644",
	"root-not-reset":   "e0b7c4d2a1f84e96b5c3d8a7f6e2c755",
	"persist-done":     "913a6f2c8d5e4b1fa7c0e3d9b4f2a866",
	"persist-failed":   "a4f8d2b6c3e14a59b8d7f0e2c1a5b977",
	"persist-not-done": "b6c9e3f1d8a24c7eb0a5f4d3e2c1d088",
	"config-invalid":   "f3a1b5c7d9e24f68a0b2c4d6e8f0a199",
	"not-initrd":       "5d7e9f1a3b5c4d6ea8f0b2c4d6e8fa10",
	"zfs-unavailable":  "6e8f0a2b4c6d4e8fb0a2c4d6e8f0b221",
}

// MessageID returns the journal MESSAGE_ID of an outcome.
func MessageID(o Outcome) string { return messageIDs[o] }

// Outcomes lists the known outcomes, sorted, for documentation and tests.
func Outcomes() []Outcome {
	var out []Outcome
	for o := range messageIDs {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Recorder sends outcome records and carries the logger used for progress lines.
type Recorder struct {
	Log     *logrus.Logger
	journal bool
}

// New returns a Recorder logging plain lines to stderr; outcome records also go to
// the journal when its socket is there.
func New() *Recorder {
	log := logrus.New()
	log.SetOutput(os.Stderr)
	log.SetFormatter(plainFormatter{})
	return &Recorder{Log: log, journal: journal.Enabled()}
}

// Record writes one outcome: a journal entry with MESSAGE_ID and the fields, and a
// plain line on stderr at the matching level.
func (r *Recorder) Record(o Outcome, pri journal.Priority, msg string, fields map[string]string) {
	id, ok := messageIDs[o]
	if !ok {
		panic(fmt.Sprintf("event: unknown outcome %q", o))
	}
	line := r.Log.WithField("outcome", string(o))
	for _, k := range sortedKeys(fields) {
		line = line.WithField(strings.ToLower(k), fields[k])
	}
	line.Log(level(pri), msg)
	if !r.journal {
		return
	}
	vars := map[string]string{"MESSAGE_ID": id, "SYSLOG_IDENTIFIER": "blankslate", "BLANKSLATE_OUTCOME": string(o)}
	for k, v := range fields {
		vars["BLANKSLATE_"+strings.ToUpper(k)] = v
	}
	if err := journal.Send(msg, pri, vars); err != nil {
		r.Log.WithError(err).Warn("could not write the outcome to the journal; the line above is the record")
	}
}

func level(p journal.Priority) logrus.Level {
	switch {
	case p <= journal.PriErr:
		return logrus.ErrorLevel
	case p == journal.PriWarning:
		return logrus.WarnLevel
	default:
		return logrus.InfoLevel
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
