package rootdiff

import (
	"encoding/json"
	"io"
)

// Schema names the JSON document's format (doc.go).
const Schema = "blankslate.diff/1"

// WriteJSON writes the report as one JSON document, every change included.
func WriteJSON(w io.Writer, r *Report, version string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Schema  string `json:"schema"`
		Version string `json:"version"`
		*Report
	}{Schema, version, r})
}
