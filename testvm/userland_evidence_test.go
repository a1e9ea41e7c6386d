//go:build vm && userland

package testvm

import "testing"

func TestEvidenceIsFoundAfterALoginPromptOnTheSameLine(t *testing.T) {
	console := "EVIDENCE boot 1\nvm login: EVIDENCE hostkey 256 SHA256:abc root@vm (ED25519)\n" +
		"EVIDENCE boot 2\nEVIDENCE hostkey 256 SHA256:abc root@vm (ED25519)\nNOEVIDENCE x y\n"
	if err := sameAcrossBoots(console, "hostkey"); err != nil {
		t.Fatal(err)
	}
	if got := len(evidenceLines(console)); got != 4 {
		t.Fatalf("%d evidence lines, want 4: %q", got, evidenceLines(console))
	}
}
