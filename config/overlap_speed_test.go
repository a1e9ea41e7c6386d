package config

import (
	"fmt"
	"testing"
	"time"
)

func TestOverlapCheckOfManyEntriesTakesFarLessThanABoot(t *testing.T) {
	c := Default()
	c.Entries = nil
	for i := 0; i < 20000; i++ {
		c.Entries = append(c.Entries, Entry{Path: fmt.Sprintf("/srv/d%d/e%d", i%100, i), How: "bind", Type: "directory", User: "root", Group: "root", Mode: "0755"})
	}
	start := time.Now()
	err := c.Validate()
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("validating %d entries took %v", len(c.Entries), took)
	}
	if err != nil {
		t.Errorf("unexpected error %v", err)
	}
}
