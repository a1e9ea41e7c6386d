package testvm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Boot describes one VM boot.
type Boot struct {
	Initrd  string
	Disk    string
	Append  string        // extra kernel command line
	Timeout time.Duration // the whole boot; emulation is slow, be generous
	Console io.Writer     // optional live copy of the console
	// StopOn, if set, ends the boot (qemu is killed) StopDelay (default two
	// seconds) after this text appears on the console: for boots that end in an
	// emergency shell, and for power cuts at a chosen moment.
	StopOn    string
	StopDelay time.Duration
}

// BootResult is what a boot printed and how long it took.
type BootResult struct {
	Console string
	Took    time.Duration
	Stopped bool // ended by StopOn
}

// Run boots the VM and waits for it to power off. An error means qemu failed or
// the boot outlived its timeout (the console so far is still returned).
func (e *Env) Run(ctx context.Context, b Boot) (BootResult, error) {
	ctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	args := []string{
		"-nodefaults", "-display", "none", "-no-reboot",
		"-accel", "tcg", "-cpu", "max", "-m", "1536", "-smp", "1",
		"-kernel", e.Kernel, "-initrd", b.Initrd,
		// no_timer_check: under emulation on a loaded host the kernel's timer-IRQ
		// self-test can time out and panic ("IO-APIC + timer doesn't work").
		"-append", "console=ttyS0 panic=-1 quiet loglevel=3 no_timer_check " + b.Append,
		"-drive", "file=" + b.Disk + ",format=raw,if=virtio,cache=unsafe",
		"-serial", "stdio", "-monitor", "none",
	}
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", args...)
	var buf lockedBuffer
	stopped := make(chan struct{})
	if b.StopOn != "" {
		delay := b.StopDelay
		if delay == 0 {
			delay = 2 * time.Second
		}
		buf.watch, buf.onMatch = b.StopOn, func() {
			close(stopped)
			time.AfterFunc(delay, cancel)
		}
	}
	var out io.Writer = &buf
	if b.Console != nil {
		out = io.MultiWriter(&buf, b.Console)
	}
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err := cmd.Run()
	res := BootResult{Console: buf.String(), Took: time.Since(start)}
	select {
	case <-stopped:
		res.Stopped = true
		return res, nil
	default:
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("VM did not power off within %s", b.Timeout)
	}
	if err != nil {
		return res, fmt.Errorf("qemu: %w", err)
	}
	return res, nil
}

// lockedBuffer is written by qemu's stdout copier and read by Run.
// It calls onMatch once when watch first appears.
type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	watch   string
	onMatch func()
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.b.Write(p)
	if l.onMatch != nil && strings.Contains(stripANSI(l.tail()), l.watch) {
		l.onMatch()
		l.onMatch = nil
	}
	return n, err
}

// tail is the end of the console, enough to hold a line being watched for.
func (l *lockedBuffer) tail() string {
	b := l.b.Bytes()
	if len(b) > 8192 {
		b = b[len(b)-8192:]
	}
	return string(b)
}

// String is the console without colour escapes and with plain line ends.
func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.ReplaceAll(stripANSI(l.b.String()), "\r\n", "\n")
}

var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func stripANSI(s string) string { return ansiEscape.ReplaceAllString(s, "") }

var resultLine = regexp.MustCompile(`(?m)^BLANKSLATE-RESULT (\S+) boot(\d+) (PASS|FAIL)$`)

// Verdict reads the guest's result for scenario: passed only with a PASS line for
// that scenario and boot and no failed assertion anywhere on the console.
func Verdict(console, scenario string, boot int) (bool, string) {
	m := resultLine.FindStringSubmatch(console)
	switch {
	case m == nil:
		return false, "no result line on the console (the guest crashed or hung)"
	case m[1] != scenario || m[2] != fmt.Sprint(boot):
		return false, fmt.Sprintf("result line is for %s boot %s, want %s boot %d", m[1], m[2], scenario, boot)
	case strings.Contains(console, "ASSERT-FAIL"):
		return false, "assertions failed"
	case m[3] != "PASS":
		return false, "guest reported FAIL"
	}
	return true, ""
}
