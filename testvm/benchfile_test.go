package testvm

// The results file of the benchmark (bench_test.go, built with the tags vm
// and bench): what one run is, and how a run of some parts is merged into the
// file the other parts wrote. Kept out of the tagged file so that
// `go test ./testvm/` checks it without a VM.

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// BenchRun is one measurement: one contender, one case, one run.
type BenchRun struct {
	Bench  string            `json:"bench"` // rollback, persist, persist-initrd, critical-path, check
	Case   string            `json:"case"`
	Tool   string            `json:"tool"`
	Run    int               `json:"run"`
	WallMs float64           `json:"wall_ms"`
	RSSKB  int64             `json:"rss_kb,omitempty"`
	Extra  map[string]string `json:"extra,omitempty"`
}

// BenchFile is bench/results.json as the VM writes it (bench/.report adds the summary).
type BenchFile struct {
	Meta  map[string]any `json:"meta"`
	Notes []string       `json:"notes,omitempty"` // runs left out for the time budget
	Runs  []BenchRun     `json:"runs"`
}

// partBenches are the benches each part of TestBench measures, and partMeta
// the keys of results.json's meta each part writes.
var (
	partBenches = map[string][]string{
		"rollback": {"rollback", "start"},
		"persist":  {"persist", "persist-first", "check"},
		"units":    {"persist-initrd"},
		"chain":    {"critical-path"},
	}
	partMeta = map[string][]string{
		"rollback": {"bench-rollback_seconds", "bench_cases", "bench_budget_rollback"},
		"persist":  {"bench-persist_seconds", "bench_persist", "bench_budget_persist"},
		"units":    {"bench-units_seconds", "bench_units", "bench_budget_units"},
		"chain":    {"bench-chain_seconds", "bench_chain_cases", "bench_budget_chain"},
		"size":     {"initrd_with_binary_bytes", "initrd_without_binary_bytes", "initrd_compression", "binary_bytes"},
	}
)

// partDate is the meta key of the time a part was measured: carried over with
// the part, so that a merged file says when each part ran.
func partDate(part string) string { return "date_" + part }

// carryOver (BENCH_MERGE=1) keeps, from the results file at path, the runs of
// the parts this run leaves out, and says so in a note: one part can be
// measured again without the hours of the others.
func carryOver(out *BenchFile, path, parts string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("BENCH_MERGE: %w", err)
	}
	var old BenchFile
	if err := json.Unmarshal(data, &old); err != nil {
		return fmt.Errorf("BENCH_MERGE: %s: %w", path, err)
	}
	kept := map[string]bool{}
	for part, keys := range partMeta {
		if strings.Contains(parts, ","+part+",") {
			continue
		}
		for _, k := range append(keys, partDate(part)) {
			if v, ok := old.Meta[k]; ok {
				out.Meta[k] = v
			}
		}
	}
	for part, benches := range partBenches {
		if strings.Contains(parts, ","+part+",") {
			continue
		}
		for _, b := range benches {
			kept[b] = true
		}
		// The notes of a part name its scenario: "bench-<part>: …".
		for _, n := range old.Notes {
			if strings.HasPrefix(n, "bench-"+part+":") {
				out.Notes = append(out.Notes, n)
			}
		}
	}
	var names []string
	for _, r := range old.Runs {
		if kept[r.Bench] {
			out.Runs = append(out.Runs, r)
			if !slices.Contains(names, r.Bench) {
				names = append(names, r.Bench)
			}
		}
	}
	if len(names) > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("carried over (BENCH_MERGE) from %s as written at %v: %s; when each part ran: the date_* keys of its meta", filepath.Base(path), old.Meta["date"], strings.Join(names, ", ")))
	}
	carryCases(out, old, parts)
	return nil
}

// carryCases keeps, for each part this run finished, the file's runs of the
// cases this run did not measure at all: BENCH_CASES=none re-measures one
// case of the rollback matrix and leaves the others' runs. Each carried run
// says when it was measured (extra "measured", set when it is first carried
// and kept after), and a note of the part lists them, so that a table whose
// cells come from two runs says so.
func carryCases(out *BenchFile, old BenchFile, parts string) {
	measured := map[string]bool{}
	for _, r := range out.Runs {
		measured[r.Bench+"\x00"+r.Case] = true
	}
	carried := map[string][]string{} // part → "bench case (measured …)"
	for part, benches := range partBenches {
		if !strings.Contains(parts, ","+part+",") {
			continue
		}
		when := old.Meta[partDate(part)]
		if when == nil {
			when = old.Meta["date"]
		}
		for _, r := range old.Runs {
			if !slices.Contains(benches, r.Bench) || measured[r.Bench+"\x00"+r.Case] {
				continue
			}
			r.Extra = maps.Clone(r.Extra)
			if r.Extra == nil {
				r.Extra = map[string]string{}
			}
			if r.Extra["measured"] == "" {
				r.Extra["measured"] = fmt.Sprint(when)
			}
			out.Runs = append(out.Runs, r)
			c := fmt.Sprintf("%s %s (measured %s)", r.Bench, r.Case, r.Extra["measured"])
			if !slices.Contains(carried[part], c) {
				carried[part] = append(carried[part], c)
			}
		}
	}
	for _, part := range slices.Sorted(maps.Keys(carried)) {
		// "bench-<part>:" makes it one of the part's notes, carried with it.
		out.Notes = append(out.Notes, fmt.Sprintf("bench-%s: cases not measured by the run of %v, their runs kept from the results file (BENCH_MERGE): %s",
			part, out.Meta["date"], strings.Join(carried[part], "; ")))
	}
}

// saveBench writes this run's results to path. With merge, the parts not in
// done (",rollback,size,": the parts this run has finished) are carried from
// the file as it is now, not as it was when the run started: two runs of
// different parts at once (one VM on each core) both keep their runs in the
// one file, whichever saves last, and a part stopped half-way leaves the
// file's runs of it. The file is replaced by a rename, so a reader never sees
// half of it.
func saveBench(path string, out BenchFile, merge bool, done string) error {
	if path == "" {
		return nil
	}
	if merge {
		out = BenchFile{Meta: maps.Clone(out.Meta), Runs: slices.Clone(out.Runs), Notes: slices.Clone(out.Notes)}
		if err := carryOver(&out, path, done); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("bench results: %w", err)
	}
	return nil
}
