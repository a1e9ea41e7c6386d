package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// syntaxError says where data stops being JSON, with the line and column of the
// offending character as an editor counts them (from 1, columns in characters),
// so that a hand-edited file can be fixed without counting bytes; nil when data
// is JSON. Called only once the token walk has failed: a json.Decoder's offsets
// are relative to the value it was reading, json.Unmarshal's to the document.
func syntaxError(data []byte) error {
	var syn *json.SyntaxError
	if !errors.As(json.Unmarshal(data, new(json.RawMessage)), &syn) {
		return nil
	}
	at, msg := syn.Offset-1, syn.Error() // Offset counts the offending byte
	switch {
	case strings.Contains(msg, "exceeded max depth"):
		return nil // the walk's own bound (maxDepth) says it better
	case strings.HasSuffix(msg, "after top-level value"):
		msg = "trailing data after the object"
	case syn.Offset >= int64(len(data)) && !strings.HasPrefix(msg, "invalid character"):
		at, msg = int64(len(data)), "the file ends before the JSON does (a missing } or ] or \" or no JSON at all)"
	}
	line, col := lineColumn(data, at)
	return fmt.Errorf("line %d, column %d: %s", line, col, msg)
}

// lineColumn is where the byte at index at stands (the end of the file when at
// is its length).
func lineColumn(data []byte, at int64) (line, col int) {
	at = max(0, min(at, int64(len(data))))
	before := data[:at]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte{'\n'}) + 1, utf8.RuneCount(before[start:]) + 1
}
