//go:build vm

package testvm

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The boot chain on real systemd: a dracut-built systemd initrd carrying the
// static binary, the units from systemd/ and a configuration, booting the seed
// layout and switch-rooting into the stage-2 init kept on the nix dataset.

// chainCmdline boots the ZFS root through systemd; rd.emergency=poweroff ends an
// emergency shell (the harness also stops the VM once emergency mode shows).
const chainCmdline = "root=zfs:rpool/nixos/empty init=/nix/blankslate-test/stage2 rd.shell=0 rd.emergency=poweroff systemd.show_status=1"

// emergencyText is what systemd prints when the boot stops in emergency mode.
const emergencyText = "Reached target emergency.target"

var chainInitrds struct {
	sync.Mutex
	built map[string]string
}

// chainInitrd builds (once per configuration) a dracut initrd.
func chainInitrd(t *testing.T, env *Env, label, config string) string {
	return chainInitrdWith(t, env, label, SystemdInitrd{Config: config})
}

func chainInitrdWith(t *testing.T, env *Env, label string, spec SystemdInitrd) string {
	chainInitrds.Lock()
	defer chainInitrds.Unlock()
	if p, ok := chainInitrds.built[label]; ok {
		return p
	}
	out := filepath.Join(env.WorkDir, "dracut-"+label+".img")
	spec.UnitsDir = "../systemd"
	if err := env.BuildSystemdInitrd(out, spec); err != nil {
		t.Fatalf("building the systemd initrd: %v", err)
	}
	if chainInitrds.built == nil {
		chainInitrds.built = map[string]string{}
	}
	chainInitrds.built[label] = out
	return out
}

func policyConfig(policy string) string {
	return fmt.Sprintf(`{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","onFailure":%q,
  "entries":[{"path":"/etc/nixos","how":"bind","type":"directory"},{"path":"/etc/ssh","how":"symlink","type":"directory"},
  {"path":"/var/log","how":"bind","type":"directory"},{"path":"/var/lib","how":"bind","type":"directory"},
  {"path":"/etc/machine-id","how":"symlink","type":"file","mode":"0444"}]}`, policy)
}

// checkUnitOrder asserts the ordering the units promise, from the initrd journal,
// and prints the units' own run times.
func checkUnitOrder(console string) error {
	evs, err := JournalEvents(console)
	if err != nil {
		return err
	}
	dump, _ := section(console, journalBegin, journalEnd)
	if err := errors.Join(
		NoOrderingCycle(dump),
		Order(evs, "Finished", "blankslate-rollback.service", "Mounting", "sysroot.mount"),
		Order(evs, "Finished", "blankslate-persist.service", "Reached target", "initrd-fs.target"),
		Order(evs, "Mounted", "sysroot-persist.mount", "Starting", "blankslate-persist.service"),
	); err != nil {
		return err
	}
	for _, u := range []string{"blankslate-rollback.service", "blankslate-persist.service"} {
		d, err := UnitTime(evs, u)
		if err != nil {
			return err
		}
		fmt.Printf("unit time %-30s %6.0f ms (journal: Starting → Finished)\n", u, d*1000)
	}
	return nil
}

// resumeSlowDown makes the resume attempt take long enough that a rollback not
// ordered after it would visibly start first (it runs once the pool is imported).
const resumeSlowDown = 20

// checkResumeFirst asserts that the resume attempt ended before the rollback
// started, and the usual unit order.
func checkResumeFirst(console string) error {
	evs, err := JournalEvents(console)
	if err != nil {
		return err
	}
	const resume = "systemd-hibernate-resume.service"
	if _, ok := When(evs, "Starting", resume); !ok {
		return fmt.Errorf("the journal has no \"Starting\" of %s: resume= did not make the generator write it", resume)
	}
	return errors.Join(
		EndedBefore(evs, resume, "Starting", "blankslate-rollback.service"),
		checkUnitOrder(console),
	)
}

// checkEmergencyLeftRootAlone asserts, from what the initrd printed a few
// seconds into emergency mode, that nothing was mounted at or beneath /sysroot:
// the root the failed rollback did not reset is not mounted read-write.
func checkEmergencyLeftRootAlone(console string) error {
	if !strings.Contains(console, emergencyText) {
		return fmt.Errorf("the console never showed %q", emergencyText)
	}
	dump, err := section(console, emergencyBegin, emergencyEnd)
	if err != nil {
		return err
	}
	var errs []error
	if m := MountedBelow(dump, "/sysroot"); len(m) > 0 {
		errs = append(errs, fmt.Errorf("in emergency mode %v is mounted", m))
	}
	for _, e := range unitEvents(dump) {
		if (e.Verb == "Mounted" || e.Verb == "Mounting") && strings.HasPrefix(e.Unit, "sysroot") {
			errs = append(errs, fmt.Errorf("the journal shows %s %s at %.6f s after the rollback failed", e.Verb, e.Unit, e.T))
		}
	}
	errs = append(errs, NoOrderingCycle(dump))
	return errors.Join(errs...)
}

func wantCrit(text string) func(string) error {
	return func(console string) error {
		for _, line := range strings.Split(console, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "CRIT: ") && strings.Contains(line, text) {
				return nil
			}
		}
		return fmt.Errorf("no journal entry at priority crit containing %q", text)
	}
}

func TestBootChainOnRealSystemd(t *testing.T) {
	env, busybox, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	def := chainInitrd(t, env, "default", "")
	emergency := chainInitrd(t, env, "emergency", policyConfig("emergency"))
	cont := chainInitrd(t, env, "continue", policyConfig("continue"))
	brokenEmergency := chainInitrd(t, env, "broken-emergency", `{"pool":"rpool","onFailure":"emergency","persistRot":"/persist"}`)
	brokenContinue := chainInitrd(t, env, "broken-continue", `{"pool":"rpool","onFailure":"continue","persistRot":"/persist"}`)
	// systemd's resume unit (dracut's resume module), slowed down by a drop-in.
	resume := chainInitrdWith(t, env, "resume", SystemdInitrd{Modules: []string{"resume"}, Extra: map[string]string{
		"/etc/systemd/system/systemd-hibernate-resume.service.d/slow.conf": fmt.Sprintf("[Service]\nExecStartPre=/bin/sleep %d\n", resumeSlowDown),
	}})

	chain := func(guest, initrd string) Step { return Step{Guest: guest, Initrd: initrd, Append: chainCmdline} }
	prep := func(extra string) Step { return Step{Guest: "prep-dirty", Initrd: busybox, Append: extra} }
	verify := Step{Guest: "verify-untouched", Initrd: busybox}
	ordered := func(s Step) Step { s.Check = checkUnitOrder; return s }
	stuck := func(initrd string) Step {
		return Step{Guest: "none", Initrd: initrd, Append: chainCmdline, WantText: emergencyEnd, Check: checkEmergencyLeftRootAlone}
	}
	withCheck := func(s Step, c func(string) error) Step { s.Check = c; return s }

	cases := map[string][]Step{
		"chain-two-boots": {ordered(chain("persist-two-boots", def)), ordered(chain("persist-two-boots", def))},
		// resume= names a device without a hibernation image: systemd tries to
		// resume, finds none, and the boot goes on; the rollback waits for that.
		"chain-resume-before-rollback": {withCheck(Step{Guest: "persist-two-boots", Initrd: resume,
			Append: chainCmdline + " resume=/dev/vda1"}, checkResumeFirst)},
		"chain-missing-snapshot-emergency": {prep("bstest.prep=no-snapshot"), stuck(emergency), verify},
		"chain-missing-snapshot-continue": {prep("bstest.prep=no-snapshot"),
			withCheck(chain("policy-continue", cont), wantCrit("the root was NOT reset")), verify},
		"chain-broken-config-emergency": {prep(""), stuck(brokenEmergency), verify},
		// A configuration that does not validate has no policy: asking for
		// "continue" in it still stops the boot, with the root untouched.
		"chain-broken-config-continue": {prep(""), stuck(brokenContinue), verify},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			report(t, env.RunSteps(context.Background(), golden, name, steps))
		})
	}
}
