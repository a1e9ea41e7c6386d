package testvm

import (
	"os"
	"testing"
)

func TestParseIntentLogsFindsRecordsLeftForReplay(t *testing.T) {
	cases := []struct {
		file    string
		want    map[string]int // dataset: records
		wantErr bool
	}{
		// A kept root set aside after a power cut: its log was claimed at the
		// next import and is never mounted, so its records are still there.
		{file: "testdata/zdb-intent-log-after-cut.txt", want: map[string]int{"rpool/nixos/blankslate-prev/20261205T103546Z": 25}},
		// Three clean boots: log blocks remain (zdb says "won't claim"), no records.
		{file: "testdata/zdb-intent-log-clean.txt", want: map[string]int{}},
		{file: "testdata/zdb-no-datasets.txt", wantErr: true},
	}
	for _, c := range cases {
		out, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		logs, err := ParseIntentLogs(string(out))
		if c.wantErr {
			if err == nil {
				t.Errorf("%s: no error for output without datasets", c.file)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		got := map[string]int{}
		for _, l := range logs {
			got[l.Dataset] = l.Records
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: datasets with records %v, want %v", c.file, got, c.want)
		}
		for ds, n := range c.want {
			if got[ds] != n {
				t.Errorf("%s: %s has %d records, want %d", c.file, ds, got[ds], n)
			}
		}
	}
}
