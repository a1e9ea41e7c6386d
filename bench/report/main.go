// Command report turns bench/results.json (every run's raw numbers, written by
// `make bench` in the VM) into the summary inside that same file (median, min and
// max of every contender in every case, the ratios, the goals met or missed),
// bench/results.md and the plots. `make bench-report` runs it without a VM.
//
// It is a module of its own so that the plotting library (gonum.org/v1/plot) never
// becomes a dependency of blankslate's module, in a dot directory so that the
// layering test (cmd/blankslate/layers_test.go), which walks every directory of
// Go files but dot directories, does not take it for a package of blankslate.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

// Run is one measurement, as testvm/bench_test.go writes it.
type Run struct {
	Bench  string            `json:"bench"`
	Case   string            `json:"case"`
	Tool   string            `json:"tool"`
	Run    int               `json:"run"`
	WallMs float64           `json:"wall_ms"`
	RSSKB  int64             `json:"rss_kb,omitempty"`
	Extra  map[string]string `json:"extra,omitempty"`
}

// File is bench/results.json.
type File struct {
	Meta    map[string]any `json:"meta"`
	Notes   []string       `json:"notes,omitempty"`
	Runs    []Run          `json:"runs"`
	Summary *Summary       `json:"summary,omitempty"`
}

func main() {
	in := flag.String("in", "../results.json", "the raw results (make bench writes them)")
	out := flag.String("out", "..", "directory for results.md, the plots, and results.json with its summary")
	flag.Parse()
	data, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	if len(f.Runs) == 0 {
		log.Fatalf("%s holds no runs: run make bench", *in)
	}
	f.Summary = summarize(f)
	data, err = json.MarshalIndent(f, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "results.json"), append(data, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	plots, err := writePlots(f, *out)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "results.md"), []byte(markdown(f, plots)), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s, %s and %d plots\n", filepath.Join(*out, "results.json"), filepath.Join(*out, "results.md"), len(plots))
}
