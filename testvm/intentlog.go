package testvm

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// A clean shutdown leaves no intent-log records for the next import to replay:
// everything the system wrote reached a transaction group before the power went
// off. zdb reads a pool's datasets and their intent logs from the disk without the
// kernel module (it runs on the host, between two boots of a disk) and prints,
// for each dataset whose log has blocks, the ZIL header, one "Block seqno" line
// per log block and, with -ivvv, one line per log record (TX_CREATE, TX_WRITE, …).
// The records are what zil_claim marks for replay at the next import and what
// zil_replay applies at the next mount (OpenZFS module/zfs/zil.c, zil_claim and
// zil_replay; cmd/zdb/zdb_il.c prints them).

// IntentLog is what zdb showed of one dataset's intent log.
type IntentLog struct {
	Dataset string
	Blocks  int // log blocks in the chain
	Records int // log records in those blocks (each would be replayed)
}

var (
	zdbDataset = regexp.MustCompile(`^Dataset (\S+) \[`)
	zdbBlock   = regexp.MustCompile(`^\tBlock seqno \d+, `)
	zdbRecord  = regexp.MustCompile(`^\t\t(CI-)?TX_[A-Z_0-9]+ +len `)
)

// ParseIntentLogs reads `zdb -ivvv POOL` output: the datasets whose intent log
// holds at least one record, in the order zdb printed them.
func ParseIntentLogs(out string) ([]IntentLog, error) {
	var logs []IntentLog
	var cur *IntentLog
	datasets := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case zdbDataset.MatchString(line):
			datasets++
			logs = append(logs, IntentLog{Dataset: zdbDataset.FindStringSubmatch(line)[1]})
			cur = &logs[len(logs)-1]
		case cur != nil && zdbBlock.MatchString(line):
			cur.Blocks++
		case cur != nil && zdbRecord.MatchString(line):
			cur.Records++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if datasets == 0 {
		return nil, fmt.Errorf("zdb listed no dataset: %.300s", out)
	}
	var withRecords []IntentLog
	for _, l := range logs {
		if l.Records > 0 {
			withRecords = append(withRecords, l)
		}
	}
	return withRecords, nil
}

// PendingIntentLogs runs zdb on the host against the pool on partition part of
// the disk image (read only, through a loop device over that partition) and
// returns the datasets whose intent log the next import would replay.
func PendingIntentLogs(disk string, part int, pool string) ([]IntentLog, error) {
	first, last, err := partitionSectors(disk, part)
	if err != nil {
		return nil, err
	}
	out, err := exec.Command("losetup", "--read-only", "--find", "--show",
		"--offset", strconv.FormatInt(first*512, 10), "--sizelimit", strconv.FormatInt((last-first+1)*512, 10), disk).Output()
	if err != nil {
		return nil, fmt.Errorf("losetup over partition %d of %s: %w", part, disk, err)
	}
	loop := strings.TrimSpace(string(out))
	defer exec.Command("losetup", "--detach", loop).Run()
	// zdb -e searches a directory for the pool's devices; this one holds only ours.
	dir, err := os.MkdirTemp("", "zdb-dev-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Symlink(loop, filepath.Join(dir, "pool")); err != nil {
		return nil, err
	}
	zdb, err := exec.Command("zdb", "-e", "-p", dir, "-ivvv", pool).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("zdb -e -ivvv %s on %s: %w: %.500s", pool, disk, err, zdb)
	}
	return ParseIntentLogs(string(zdb))
}

var sgdiskSector = regexp.MustCompile(`(?m)^(First|Last) sector: (\d+)`)

func partitionSectors(disk string, part int) (first, last int64, err error) {
	out, err := exec.Command("sgdisk", "-i", strconv.Itoa(part), disk).Output()
	if err != nil {
		return 0, 0, fmt.Errorf("sgdisk -i %d %s: %w", part, disk, err)
	}
	m := sgdiskSector.FindAllStringSubmatch(string(out), -1)
	if len(m) != 2 {
		return 0, 0, fmt.Errorf("sgdisk -i %d %s: no first and last sector in %q", part, disk, out)
	}
	first, _ = strconv.ParseInt(m[0][2], 10, 64)
	last, _ = strconv.ParseInt(m[1][2], 10, 64)
	return first, last, nil
}
