// Package event writes blankslate's outcome records: one journal entry per outcome
// with a fixed MESSAGE_ID (so `journalctl MESSAGE_ID=…` finds every boot's result),
// and the same text as plain lines on stderr, which the units send to the console.
package event

import (
	"io"
	"sort"
	"strings"

	"github.com/coreos/go-systemd/v22/journal"
	"github.com/sirupsen/logrus"
)

// Recorder sends outcome records and carries the logger used for progress lines.
type Recorder struct {
	Log     *logrus.Logger
	journal bool
}

// New returns a Recorder logging plain lines to w (the command's stderr, which
// the units send to the console and the journal); outcome records also go to
// the journal as structured entries when its socket is there.
func New(w io.Writer) *Recorder {
	log := logrus.New()
	log.SetOutput(w)
	log.SetFormatter(plainFormatter{})
	return &Recorder{Log: log, journal: journal.Enabled()}
}

// Record writes one outcome: a journal entry with MESSAGE_ID and the fields, and a
// plain line on stderr at the matching level.
func (r *Recorder) Record(o Outcome, pri journal.Priority, msg string, fields map[string]string) {
	line := r.Log.WithField("outcome", o.String())
	for _, k := range sortedKeys(fields) {
		line = line.WithField(strings.ToLower(k), fields[k])
	}
	line.Log(level(pri), msg)
	if !r.journal {
		return
	}
	vars := map[string]string{"MESSAGE_ID": o.MessageID(), "SYSLOG_IDENTIFIER": "blankslate", "BLANKSLATE_OUTCOME": o.String()}
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
