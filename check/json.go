package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Schema names the JSON document's format; it changes only when a field is
// removed or changes meaning (doc.go).
const Schema = "blankslate.check/1"

// Result values of the JSON document.
const (
	ResultClean         = "clean"
	ResultProblems      = "problems"
	ResultNotChecked    = "not-checked"
	ResultConfigInvalid = "config-invalid"
)

type jsonHead struct {
	Schema     string           `json:"schema"`
	Version    string           `json:"version"`
	Result     string           `json:"result"`
	ExitStatus int              `json:"exitStatus"`
	Config     string           `json:"config"`
	Root       string           `json:"root"`
	Snapshot   string           `json:"snapshot"`
	Counts     map[Severity]int `json:"counts"`
}

// WriteJSON writes the report as one JSON object (schema in doc.go), with each
// finding on a line of its own so that line tools can read it too.
func WriteJSON(w io.Writer, r *Report, version, result string, exit int) error {
	head, err := json.MarshalIndent(jsonHead{
		Schema: Schema, Version: version, Result: result, ExitStatus: exit,
		Config: r.Config, Root: r.Root, Snapshot: r.Dataset, Counts: r.Counts(),
	}, "", "  ")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.Write(bytes.TrimSuffix(head, []byte("\n}")))
	b.WriteString(",\n  \"findings\": [")
	for i, f := range r.Findings {
		line, err := compact(f)
		if err != nil {
			return fmt.Errorf("encoding finding %s: %w", f.Check, err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.Write(line)
	}
	b.WriteString("\n  ]\n}\n")
	_, err = w.Write(b.Bytes())
	return err
}

// compact encodes v on one line, leaving <, > and & as they are: fixes are
// shell commands ("echo N > FILE") and must read as such.
func compact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
