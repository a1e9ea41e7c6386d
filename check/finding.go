package check

// Severity says how bad a finding is. The order matters: worse is greater.
type Severity string

// Severities, from fine to broken. Warnings and errors make `check` exit 1;
// without them, a part not checked makes it exit 3 (ExitNotChecked).
const (
	// OK: the check passed.
	OK Severity = "ok"
	// Info: a fact worth knowing (bytes written since the snapshot, an optional
	// part of the layout that is absent); nothing to fix.
	Info Severity = "info"
	// NotChecked: something the check could not look at from where it ran
	// (the persistent dataset not mounted beneath a rescued root): neither
	// healthy nor broken, and never reported as either.
	NotChecked Severity = "not-checked"
	// Warning: the system differs from the layout, or the next boot will do
	// something the person may not expect; the boot still works.
	Warning Severity = "warning"
	// Error: the next boot's rollback or attach will fail, or has failed.
	Error Severity = "error"
)

func (s Severity) rank() int {
	switch s {
	case Info:
		return 1
	case NotChecked:
		return 2
	case Warning:
		return 3
	case Error:
		return 4
	}
	return 0
}

// Problem reports whether a finding of this severity makes check exit 1.
func (s Severity) Problem() bool { return s.rank() >= Warning.rank() }

// Finding is one result: which check, how bad, about what, what is wrong and the
// command that fixes it.
type Finding struct {
	Check    string         `json:"check"`    // stable id, e.g. "snapshot.latest"
	Severity Severity       `json:"severity"` // ok, info, warning, error
	Object   string         `json:"object"`   // the pool, dataset, path … it is about
	Message  string         `json:"message"`  // what was found, in words
	Fix      string         `json:"fix,omitempty"`
	Data     map[string]any `json:"data,omitempty"` // check-specific values (doc.go)
}

// Report is the result of a whole check.
type Report struct {
	Config   string // where the configuration came from
	Root     string // the root whose attachments were checked
	Dataset  string // dataset@snapshot, "" when the configuration is unusable
	Findings []Finding
}

// Counts gives the number of findings of each severity.
func (r *Report) Counts() map[Severity]int {
	c := map[Severity]int{OK: 0, Info: 0, NotChecked: 0, Warning: 0, Error: 0}
	for _, f := range r.Findings {
		c[f.Severity]++
	}
	return c
}

// Problems counts the warnings and errors.
func (r *Report) Problems() int {
	c := r.Counts()
	return c[Warning] + c[Error]
}

// Exit statuses of check, by what it found (cmd/blankslate adds 2, usage or
// configuration error).
const (
	ExitClean      = 0
	ExitProblems   = 1
	ExitNotChecked = 3
)

// Outcome is the exit status and the JSON result for the report: problems
// first; else a part not checked; else clean.
func (r *Report) Outcome() (exit int, result string) {
	switch c := r.Counts(); {
	case r.Problems() > 0:
		return ExitProblems, ResultProblems
	case c[NotChecked] > 0:
		return ExitNotChecked, ResultNotChecked
	}
	return ExitClean, ResultClean
}

// findings collects results; its helpers keep each check's code short.
type findings []Finding

func (fs *findings) add(check string, sev Severity, object, msg, fix string) *Finding {
	*fs = append(*fs, Finding{Check: check, Severity: sev, Object: object, Message: msg, Fix: fix})
	return &(*fs)[len(*fs)-1]
}

// has reports whether a finding of check was made.
func (fs findings) has(check string) bool {
	for _, f := range fs {
		if f.Check == check {
			return true
		}
	}
	return false
}

func (fs *findings) ok(check, object, msg string) *Finding {
	return fs.add(check, OK, object, msg, "")
}

func (f *Finding) with(key string, v any) *Finding {
	if f.Data == nil {
		f.Data = map[string]any{}
	}
	f.Data[key] = v
	return f
}
