package config

import (
	"strings"
	"testing"
)

// A hand-edited file with a syntax error is fixed in an editor: the error must
// name the line and column of the offending character, counted as editors count
// them (from 1, in characters, not bytes).
func TestSyntaxErrorsNameLineAndColumn(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"a missing comma between two keys", "{\n  \"pool\": \"rpool\",\n  \"dataset\": \"rpool/e\"\n  \"snapshot\": \"s\"\n}\n",
			`line 4, column 3: invalid character '"' after object key:value pair`},
		{"a trailing comma", `{"pool":"rpool",}`, "line 1, column 17: invalid character '}'"},
		{"a misspelt literal on an indented line", "{\"entries\":\n    [tru]}", "line 2, column 9: invalid character ']' in literal true"},
		{"columns count characters, not bytes", `{"pool": "é" x}`, "line 1, column 14: invalid character 'x'"},
		{"a second object after the first", "{}\n{}", "line 2, column 1: trailing data after the object"},
		{"an unclosed object", "{\n  \"pool\": \"rpool\"\n", "line 3, column 1: the file ends before the JSON does"},
		{"an empty file", "", "line 1, column 1: the file ends before the JSON does"},
		{"a byte-order mark", "\ufeff{}", "line 1, column 1: the file starts with a byte-order mark"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), "not valid configuration JSON: "+tc.want) {
				t.Errorf("Parse(%q) = %v, want an error containing %q", tc.doc, err, tc.want)
			}
		})
	}
}

// Valid JSON that the walk refuses for another reason keeps that reason: the
// position is added only where the bytes are not JSON.
func TestDeepNestingKeepsItsOwnMessage(t *testing.T) {
	doc := `{"entries":` + strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2) + `}`
	_, err := Parse([]byte(doc))
	if err == nil || !strings.Contains(err.Error(), "nested deeper than") || strings.Contains(err.Error(), "line ") {
		t.Errorf("Parse(deep) = %v, want the nesting error without a position", err)
	}
}
