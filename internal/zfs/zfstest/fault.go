package zfstest

import (
	"fmt"
	"sort"
	"strings"
)

// Fault makes calls of one method fail.
type Fault struct {
	Method string // the method's name, e.g. "RollbackTo"
	// Nth fails only the Nth call (from 1) that matches Method and Arg; 0
	// fails every one.
	Nth int
	// Arg fails only calls that have this argument (any one of them, or one
	// of the names of a batch); "" any call.
	Arg string
	// Err is returned as it is; nil returns an error that names the call and
	// says "injected failure".
	Err error
	// After lets the call take effect first (change the pool, write its
	// output) and fail only then: a reply that was lost, or an error after
	// partial output.
	After bool
	// Block, when not nil, makes the call wait until it is closed before it
	// fails: a call that hangs.
	Block <-chan struct{}
	// Slow, when not nil, makes the call wait until it is closed and then go
	// on as if no fault had fired: a call that takes its time (zfs diff
	// waiting for its temporary snapshot's transaction group).
	Slow <-chan struct{}
}

// methods are the names Fault.Method may take: the methods of the consumer
// interfaces, each of which goes through call.
var methods = set("PoolImported", "Pool", "Dataset", "Datasets", "Snapshots", "Bookmarks", "Children",
	"Written", "Info", "LocalProps", "Diff", "DestroySnapshots", "DestroyBookmarks", "RollbackTo",
	"Rename", "Clone", "Promote", "SetProp", "CreateFS", "Destroy", "Snapshot")

type fault struct {
	Fault
	seen int // matching calls so far
}

// Inject adds a fault. Faults are checked in the order they were added; the
// first that fires decides the call, but every matching fault counts it.
func (m *Model) Inject(f Fault) {
	m.t.Helper()
	if !methods[f.Method] {
		m.t.Fatalf("zfstest: Inject: no method %q", f.Method)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults = append(m.faults, &fault{Fault: f})
}

// Fail makes every call of method fail with an injected error.
func (m *Model) Fail(method string) {
	m.t.Helper()
	m.Inject(Fault{Method: method})
}

// trigger counts a call and returns the fault that fires for it, if any.
func (m *Model) trigger(method string, args []string) *Fault {
	var fired *Fault
	for _, f := range m.faults {
		if f.Method != method || (f.Arg != "" && !contains(args, f.Arg)) {
			continue
		}
		f.seen++
		if fired == nil && (f.Nth == 0 || f.Nth == f.seen) {
			fired = &f.Fault
		}
	}
	return fired
}

func (f *Fault) fail(method string, args []string) error {
	if f.Block != nil {
		<-f.Block
	}
	if f.Err != nil {
		return f.Err
	}
	return fmt.Errorf("%s: injected failure", entry(method, args))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// call runs one method of the interfaces. A fault that fires returns its
// error with nothing done, or, with After, after work (under the lock) and
// out (outside it, for output that a reader consumes). A mutating call that
// took effect goes into the journal.
func (m *Model) call(method string, args []string, mutating bool, work, out func() error) error {
	m.mu.Lock()
	m.calls = append(m.calls, Call{Entry: entry(method, args), Mutating: mutating})
	f := m.trigger(method, args)
	if f != nil && f.Slow != nil {
		m.mu.Unlock()
		<-f.Slow
		m.mu.Lock()
		f = nil
	}
	var err error
	if f == nil || f.After {
		err = work()
		if err == nil && mutating {
			m.journal = append(m.journal, entry(method, args))
		}
	}
	m.mu.Unlock()
	if err == nil && out != nil && (f == nil || f.After) {
		err = out()
	}
	if f == nil || err != nil {
		return err
	}
	return f.fail(method, args)
}

// entry is a journal line: the method and its arguments, space-separated.
func entry(method string, args []string) string {
	return strings.TrimSpace(method + " " + strings.Join(args, " "))
}

// propArgs turns a property map into sorted name=value arguments.
func propArgs(props map[string]string) []string {
	out := make([]string, 0, len(props))
	for k, v := range props {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// Journal returns the mutating calls that took effect, oldest first, one line
// each: the method and its arguments separated by spaces, a property map as
// sorted name=value words ("Clone rpool/a@s rpool/b mountpoint=legacy").
// Calls that failed changed nothing and are not in it; setup helpers are not
// either.
func (m *Model) Journal() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.journal...)
}

// Call is one call of the interface, as Calls gives it.
type Call struct {
	Entry    string // as in the journal: the method and its arguments
	Mutating bool
}

// Calls returns every call of the interface that reached the model, reads
// and writes, failed or not, oldest first: for a test of how often the pool
// is asked.
func (m *Model) Calls() []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Call(nil), m.calls...)
}

// ClearJournal forgets the journal and the calls, for a test that sets the scene with the
// interface's own calls.
func (m *Model) ClearJournal() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.journal = nil
	m.calls = nil
}
