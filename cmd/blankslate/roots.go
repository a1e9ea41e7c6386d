package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/keep"
)

// rootsSchema names the JSON of `blankslate roots --json`.
const rootsSchema = "blankslate.roots/1"

// keptRoot is one line of `blankslate roots`.
type keptRoot struct {
	Name       string        `json:"name"` // the short name blankslate.root= takes
	Dataset    string        `json:"dataset"`
	Time       time.Time     `json:"time"`
	Used       uint64        `json:"used"`       // space only it holds: what destroying it frees
	Referenced uint64        `json:"referenced"` // what it refers to
	BootedFrom string        `json:"bootedFrom,omitempty"`
	Held       string        `json:"held,omitempty"`   // why it is never pruned (keep.HoldProp)
	Record     *audit.Record `json:"record,omitempty"` // what the boot before it wrote, when recorded
}

// runRoots is `blankslate roots`: the kept roots, newest first. With --json a
// failure is a JSON object too (jsonfail.go).
func runRoots(args []string, stdout, stderr io.Writer) int {
	var c common
	var asJSON bool
	if !parseFlags("roots", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.BoolVar(&asJSON, "json", false, "print JSON (schema "+rootsSchema+")")
	}) {
		return exitUsage
	}
	fail := func(result string, exit int, err error) int {
		return failed(stdout, stderr, "roots", asJSON, rootsSchema, result, exit, err)
	}
	cfg, _, err := config.Load(c.config)
	if err != nil {
		return fail(resultConfigInvalid, exitUsage, err)
	}
	z, err := libzfs.Open()
	if err != nil {
		return fail(resultFailed, exitFailed, err)
	}
	defer z.Close()
	records, rerr := audit.ReadSaved(cfg.PersistRoot)
	if rerr != nil {
		fmt.Fprintf(stderr, "blankslate roots: the audit records: %v (the list goes on without them)\n", rerr)
	}
	roots, err := listRoots(z, cfg, records)
	if err != nil {
		return fail(resultFailed, exitFailed, err)
	}
	if asJSON {
		return printJSON(stdout, map[string]any{"schema": rootsSchema, "roots": roots})
	}
	printRoots(stdout, cfg, roots)
	return exitOK
}

// listRoots joins the kept roots with their boots' audit records, newest first.
func listRoots(z keep.Reader, cfg *config.Config, records map[string]*audit.Record) ([]keptRoot, error) {
	roots, err := keep.List(z, cfg.Dataset, cfg.Snapshot)
	if err != nil {
		return nil, err
	}
	out := make([]keptRoot, 0, len(roots))
	for i := len(roots) - 1; i >= 0; i-- {
		r := roots[i]
		k := keptRoot{Name: r.Name[strings.LastIndexByte(r.Name, '/')+1:], Dataset: r.Name, Time: r.Time,
			Used: r.Used, Referenced: r.Referenced, Held: r.Hold, Record: records[r.Name]}
		if fs, _, ok := strings.Cut(r.Origin, "@"+keep.BootSnapPrefix); ok {
			k.BootedFrom = fs[strings.LastIndexByte(fs, '/')+1:]
		}
		out = append(out, k)
	}
	return out, nil
}

func printRoots(w io.Writer, cfg *config.Config, roots []keptRoot) {
	if len(roots) == 0 {
		fmt.Fprintf(w, "No kept roots in %s (keep.roots = %d).\n", keep.Container(cfg.Dataset), cfg.KeepRoots())
		return
	}
	fmt.Fprintf(w, "%d kept root(s) in %s, newest first; boot one with blankslate.root=NAME, copy from one with blankslate restore --from NAME\n\n",
		len(roots), keep.Container(cfg.Dataset))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tKEPT\tHOLDS\tWHAT THAT BOOT WROTE")
	held := ""
	for _, r := range roots {
		when := "unknown"
		if !r.Time.IsZero() {
			when = r.Time.Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.Name, when, human.Bytes(r.Used), wrote(r))
		if r.Held != "" {
			held = r.Dataset
		}
	}
	tw.Flush()
	if held != "" {
		// A held root outlives keep.roots; say how it stops being one.
		fmt.Fprintf(w, "\nA held root is never pruned nor listed and destroyed after boot; make one an ordinary kept root with: %s\n",
			keep.Release(held))
	}
}

// wrote is a kept root's audit record in a few words.
func wrote(r keptRoot) string {
	var s string
	switch rec := r.Record; {
	case rec == nil:
		s = "no audit record"
	default:
		top := make([]string, 0, len(rec.Top))
		for _, e := range rec.Top {
			top = append(top, "/"+e.Name)
		}
		s = fmt.Sprintf("%s in %s, %d changed paths", human.Bytes(rec.Bytes), strings.Join(top, " "), len(rec.Files))
		if !rec.Complete {
			s += " (list incomplete)"
		}
	}
	if r.BootedFrom != "" {
		s += "; a boot on a copy of " + r.BootedFrom
	}
	if r.Held != "" {
		s += "; HELD: " + r.Held
	}
	return s
}

func printJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return exitFailed
	}
	return exitOK
}
