package event

// Outcome is a kind of outcome record; each has its own journal MESSAGE_ID.
// It is a small integer type so that only the constants below exist: a
// misspelt outcome does not compile.
type Outcome int

// The outcomes. Their names and MESSAGE_IDs (random 128-bit ids) are fixed
// forever: users' journal queries and the VM tests depend on them.
const (
	RollbackDone Outcome = iota + 1
	RollbackNoop
	RollbackRefused
	RollbackFailed
	RootKept
	RootNotReset
	PersistDone
	PersistFailed
	PersistNotDone
	ConfigInvalid
	NotInitrd
	ZFSUnavailable
	// RollbackSkipped: blankslate.rollback=skip; the root was left as it was.
	RollbackSkipped
	// RootRecovered: blankslate.root=; the root is a writable copy of a kept root.
	RootRecovered
	// RecoveryRefused: blankslate.root= named nothing bootable; under the
	// policy emergency nothing was changed and the boot stops.
	RecoveryRefused
	// RecoveryNotDone: the same under the policy continue: the boot goes on
	// with a blank root instead.
	RecoveryNotDone
	// AuditListed: after boot, a root set aside was listed, its record saved,
	// and the root destroyed or kept as keep.roots says.
	AuditListed
	// AuditFailed: after boot, a root set aside could not be listed and
	// saved; it waits for the next run.
	AuditFailed
)

var outcomes = map[Outcome]struct{ name, id string }{
	RollbackDone:    {"rollback-done", "7f4c1e0a9b3d4e7fa1c52d6b8e90f311"},
	RollbackNoop:    {"rollback-noop", "2a9e5b7c4d1f4a38b6e0c9d7f2a1b422"},
	RollbackRefused: {"rollback-refused", "c81d3f6a2e7b49c0a5d4e1f8b7c6a533"},
	RollbackFailed:  {"rollback-failed", "d5e2a8c1f9b64d07b3a6e8c2d1f4b644"},
	RootKept:        {"root-kept", "3b8d0f2e6a1c4e9db7f5a3c1e9d7b2aa"},
	RootNotReset:    {"root-not-reset", "e0b7c4d2a1f84e96b5c3d8a7f6e2c755"},
	PersistDone:     {"persist-done", "913a6f2c8d5e4b1fa7c0e3d9b4f2a866"},
	PersistFailed:   {"persist-failed", "a4f8d2b6c3e14a59b8d7f0e2c1a5b977"},
	PersistNotDone:  {"persist-not-done", "b6c9e3f1d8a24c7eb0a5f4d3e2c1d088"},
	ConfigInvalid:   {"config-invalid", "f3a1b5c7d9e24f68a0b2c4d6e8f0a199"},
	NotInitrd:       {"not-initrd", "5d7e9f1a3b5c4d6ea8f0b2c4d6e8fa10"},
	ZFSUnavailable:  {"zfs-unavailable", "6e8f0a2b4c6d4e8fb0a2c4d6e8f0b221"},
	RollbackSkipped: {"rollback-skipped", "9a39ec2803df46ffae7ba20232aba858"},
	RootRecovered:   {"root-recovered", "f21082bd73cc4c75b591acf3e4f23dda"},
	RecoveryRefused: {"recovery-refused", "c785e8af3db64ab496f8315412bb8308"},
	RecoveryNotDone: {"recovery-not-done", "652d2ab9145e47c0b01a0f90191faebd"},
	AuditListed:     {"audit-listed", "90a6d719ecb743c2a5c876a48a46899b"},
	AuditFailed:     {"audit-failed", "19fe7d43bfac4a7ebcfb3d2de946b0a3"},
}

// String is the outcome's name, as BLANKSLATE_OUTCOME in the journal.
func (o Outcome) String() string {
	if v, ok := outcomes[o]; ok {
		return v.name
	}
	return "unknown"
}

// MessageID returns the journal MESSAGE_ID of an outcome.
func (o Outcome) MessageID() string { return outcomes[o].id }

// Outcomes lists every outcome in declaration order, for documentation and tests.
func Outcomes() []Outcome {
	out := make([]Outcome, 0, len(outcomes))
	for o := RollbackDone; int(o) <= len(outcomes); o++ {
		out = append(out, o)
	}
	return out
}
