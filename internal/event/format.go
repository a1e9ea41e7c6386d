package event

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/sirupsen/logrus"
)

// plainFormatter writes "blankslate: LEVEL: message [key=value …]": one line a
// person can read on a console or in the journal (which adds its own timestamps).
type plainFormatter struct{}

func (plainFormatter) Format(e *logrus.Entry) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("blankslate: ")
	if e.Level <= logrus.WarnLevel {
		b.WriteString(map[logrus.Level]string{
			logrus.PanicLevel: "PANIC: ", logrus.FatalLevel: "FATAL: ",
			logrus.ErrorLevel: "ERROR: ", logrus.WarnLevel: "WARNING: ",
		}[e.Level])
	}
	b.WriteString(e.Message)
	keys := make([]string, 0, len(e.Data))
	for k := range e.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		b.WriteString(" [")
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s=%v", k, e.Data[k])
		}
		b.WriteByte(']')
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
