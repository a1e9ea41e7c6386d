package boot

import "github.com/blankslate/blankslate/keep"

// Step names a point in a boot step after which the step hook runs.
type Step string

// The steps, in order. The keep steps are keep's own.
const (
	StepRepair       Step = "repair"
	StepAudit        Step = "audit"
	StepHold         Step = keep.StepHold
	StepRename       Step = keep.StepRename
	StepClone        Step = keep.StepClone
	StepPromote      Step = keep.StepPromote
	StepPrune        Step = keep.StepPrune
	StepReturn       Step = "return"
	StepReturnKeep   Step = keep.StepReturnKeep
	StepReturnBlank  Step = keep.StepReturnBlank
	StepKeep         Step = "keep"
	StepRollback     Step = "rollback"
	StepBootSnapshot Step = keep.StepBootSnapshot
	StepSetAside     Step = keep.StepSetAside
	StepBootClone    Step = keep.StepBootClone
	StepRecover      Step = "recover"
	StepAttach       Step = "attach"
	StepSave         Step = "save"
	StepFinishing    Step = keep.StepFinishing // the listing after boot, before it promotes the root (Audit)
	StepList         Step = "list"             // the listing after boot (Audit)
)

// Steps lists every step in the order a boot passes them.
func Steps() []Step {
	return []Step{StepRepair, StepAudit, StepHold, StepReturnKeep, StepReturnBlank, StepReturn, StepRename, StepClone, StepPromote, StepPrune, StepKeep,
		StepRollback, StepBootSnapshot, StepSetAside, StepBootClone, StepRecover, StepAttach, StepSave, StepFinishing, StepList}
}

// Logger is where the steps say what they do as they go (logrus satisfies it).
type Logger interface {
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
	Errorf(format string, args ...any)
}

func after(hook func(Step), s Step) {
	if hook != nil {
		hook(s)
	}
}
