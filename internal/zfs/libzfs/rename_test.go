package libzfs

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
)

// The kernel's refusal of a rename reaches the journal in words that say what
// was in the way, and still matches its errno for a caller that tests it.
func TestRenameRefusalSaysWhatWasInTheWay(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		words string // "" when nothing is added
	}{
		{"name taken", fmt.Errorf("renaming a to b: %w", syscall.EEXIST), "a dataset of the new name exists"},
		{"missing parent", fmt.Errorf("renaming a to b: %w", syscall.ENOENT), "does not exist"},
		{"other pool", fmt.Errorf("renaming a to b: %w", syscall.EXDEV), "in another pool"},
		{"errno without words", fmt.Errorf("renaming a to b: %w", syscall.EIO), ""},
		{"not an errno", errors.New("renaming a to b: out of memory"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := explainRename(tc.err)
			if !errors.Is(got, tc.err) {
				t.Errorf("%v no longer matches %v", got, tc.err)
			}
			if tc.words == "" && got.Error() != tc.err.Error() {
				t.Errorf("got %q, want it unchanged", got)
			}
			if tc.words != "" && !strings.Contains(got.Error(), tc.words) {
				t.Errorf("got %q, want it to say %q", got, tc.words)
			}
		})
	}
	if explainRename(nil) != nil {
		t.Error("no error became one")
	}
}
