package event

import (
	"bytes"

	"github.com/sirupsen/logrus"
	"regexp"
	"testing"
)

func TestMessageIDsAreDistinct128BitHex(t *testing.T) {
	hex := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]Outcome{}
	for _, o := range Outcomes() {
		id := o.MessageID()
		if !hex.MatchString(id) {
			t.Errorf("%s: MESSAGE_ID %q is not 32 lowercase hex digits", o, id)
		}
		if prev, dup := seen[id]; dup {
			t.Errorf("%s and %s share MESSAGE_ID %s", o, prev, id)
		}
		seen[id] = o
	}
}

func TestPlainFormatterWritesOneReadableLine(t *testing.T) {
	var buf bytes.Buffer
	log := logrus.New()
	log.SetOutput(&buf)
	log.SetFormatter(plainFormatter{})
	log.WithField("outcome", "rollback-refused").Error("rollback: [refused] pool rpool is not imported")
	want := "blankslate: ERROR: rollback: [refused] pool rpool is not imported [outcome=rollback-refused]\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestEveryOutcomeHasANameAndAnID(t *testing.T) {
	names := map[string]bool{}
	for _, o := range Outcomes() {
		if o.String() == "unknown" || o.MessageID() == "" {
			t.Errorf("outcome %d has no name or MESSAGE_ID", int(o))
		}
		if names[o.String()] {
			t.Errorf("name %s is used twice", o)
		}
		names[o.String()] = true
	}
	if len(Outcomes()) != len(outcomes) {
		t.Errorf("Outcomes() lists %d of %d outcomes: the constants and the table disagree", len(Outcomes()), len(outcomes))
	}
	if Outcome(0).String() != "unknown" {
		t.Error("the zero Outcome has a name")
	}
}
