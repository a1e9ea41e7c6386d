package config

import (
	"fmt"
	"os"
	"strconv"
)

// maxModeDigits bounds a mode string: "04777" is the longest way to write one;
// longer runs of leading zeros are only a chance to mistype.
const maxModeDigits = 5

// ParseMode reads an octal mode string such as "0755" or "2775": permission bits
// plus the setuid (4000), setgid (2000) and sticky (1000) bits, at most 07777.
// The result is the kernel's st_mode bits; FileMode converts them for package os.
func ParseMode(s string) (uint32, error) {
	const how = "write it as octal digits such as \"0755\" or \"2775\""
	if s == "" || len(s) > maxModeDigits {
		return 0, fmt.Errorf("mode %q: must be 1 to at most %d octal digits; %s", s, maxModeDigits, how)
	}
	for _, r := range s {
		if r < '0' || r > '7' {
			return 0, fmt.Errorf("mode %q: not octal; %s", s, how)
		}
	}
	m, _ := strconv.ParseUint(s, 8, 32) // 5 octal digits always fit
	if m > 0o7777 {
		return 0, fmt.Errorf("mode %q: must be between 0000 and 7777 (permission bits plus setuid 4000, setgid 2000, sticky 1000)", s)
	}
	return uint32(m), nil
}

// FileMode converts st_mode bits as ParseMode returns them to an os.FileMode.
// os.FileMode(bits) would be wrong: Go keeps setuid, setgid and sticky in its own
// high bits (os.ModeSetuid…), so the conversion would silently drop them and
// "2775" would create 0775. Bits above 07777 are dropped.
func FileMode(bits uint32) os.FileMode {
	m := os.FileMode(bits & 0o777)
	if bits&0o4000 != 0 {
		m |= os.ModeSetuid
	}
	if bits&0o2000 != 0 {
		m |= os.ModeSetgid
	}
	if bits&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return m
}

// checkMode accepts the special bits only where Linux gives them a meaning, and
// refuses what the boot would refuse anyway (mounts will not create a copy that
// anybody may replace), so that the mistake surfaces here and not at boot:
//   - directory: setgid (new files take the directory's group) and sticky (only
//     the owner may delete or rename) are honoured; setuid is ignored by Linux
//     on directories and refused as a likely typo for setgid; world-writable
//     needs the sticky bit, like /tmp.
//   - file: the persistent copy is data, created empty; set-id bits are refused
//     (a set-id executable beneath the persistent root, which is treated as
//     attacker-writable, would be a way to root) and so is sticky, which
//     Linux ignores on files; world-writable is refused.
func checkMode(typ, s string) error {
	bits, err := ParseMode(s)
	if err != nil {
		return err
	}
	worldWritable := bits&0o002 != 0
	if typ == "file" {
		switch {
		case bits&0o6000 != 0:
			return fmt.Errorf("mode %q: set-id bits (4000, 2000) are not allowed on a persistent file; write it without them, e.g. %q", s, fmt.Sprintf("%04o", bits&0o777))
		case bits&0o1000 != 0:
			return fmt.Errorf("mode %q: the sticky bit (1000) means nothing on a file; write it without, e.g. %q", s, fmt.Sprintf("%04o", bits&0o777))
		case worldWritable:
			return fmt.Errorf("mode %q: a world-writable persistent file can be rewritten by any user; drop o+w, e.g. %q", s, fmt.Sprintf("%04o", bits&^0o002))
		}
		return nil
	}
	switch {
	case bits&0o4000 != 0:
		return fmt.Errorf("mode %q: setuid (4000) has no effect on a directory on Linux; did you mean setgid (2000)? e.g. %q", s, fmt.Sprintf("%04o", bits&^0o4000|0o2000))
	case worldWritable && bits&0o1000 == 0:
		return fmt.Errorf("mode %q: a world-writable directory without the sticky bit lets any user delete or replace what is in it; add the sticky bit (%q) or drop o+w", s, fmt.Sprintf("%04o", bits|0o1000))
	}
	return nil
}
