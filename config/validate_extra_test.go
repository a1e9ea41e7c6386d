package config

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestAuditDefaultsWhenAbsent(t *testing.T) {
	got := Default().AuditLimits()
	want := AuditLimits{Enabled: true, AfterBoot: true, MaxFiles: 10000, MaxTime: 5 * time.Second, Keep: 30}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestDefaultJSONHasNoAuditKey(t *testing.T) {
	data, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "audit") {
		t.Errorf("the default's JSON changed: %s", data)
	}
}

func TestAuditSettingsAreReadAndBounded(t *testing.T) {
	base := `"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"`
	tests := []struct {
		name, audit string
		want        AuditLimits
		wantErr     string
	}{
		{"every field", `{"enable":false,"maxFiles":0,"maxSeconds":60,"keep":3,"listAfterBoot":false}`, AuditLimits{false, false, 0, time.Minute, 0, 3}, ""},
		{"some fields keep the other defaults", `{"keep":7}`, AuditLimits{true, true, 10000, 5 * time.Second, 0, 7}, ""},
		{"listing after boot is the default and can be turned off", `{"listAfterBoot":false}`, AuditLimits{true, false, 10000, 5 * time.Second, 0, 30}, ""},
		{"listAfterBoot must be a boolean", `{"listAfterBoot":"no"}`, AuditLimits{}, "listAfterBoot"},
		{"negative maxFiles is refused", `{"maxFiles":-1}`, AuditLimits{}, "audit.maxFiles -1: must be between 0 and 1000000"},
		{"zero seconds is refused", `{"maxSeconds":0}`, AuditLimits{}, "audit.maxSeconds 0"},
		{"keeping none is refused", `{"keep":0}`, AuditLimits{}, "audit.keep 0"},
		{"an unknown key is refused", `{"kepe":3}`, AuditLimits{}, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(`{` + base + `,"audit":` + tc.audit + `}`))
			if err == nil {
				err = c.ValidateExtra()
			}
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want %q", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("unexpected error %v", err)
			case c.AuditLimits() != tc.want:
				t.Errorf("got %+v, want %+v", c.AuditLimits(), tc.want)
			}
		})
	}
}

func TestAuditLimitsClampWhatWasNotValidated(t *testing.T) {
	huge, none := 1<<30, -5
	c := &Config{Audit: &Audit{MaxFiles: &huge, MaxSeconds: &none, Keep: &none}}
	if got := c.AuditLimits(); got.MaxFiles != 1000000 || got.MaxTime != time.Second || got.Keep != 1 {
		t.Errorf("got %+v", got)
	}
}
