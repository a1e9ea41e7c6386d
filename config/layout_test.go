package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestLayoutIsOptionalReadExactlyAndBounded(t *testing.T) {
	type want struct {
		reserve   int
		reserveOK bool
		docker    string
		dockerOK  bool
		arc       uint64
		arcOK     bool
		secrets   []string
		secretsOK bool
	}
	for _, tc := range []struct {
		name, layout string
		want         want
		wantErr      string
	}{
		{"absent declares nothing", "", want{}, ""},
		{"empty declares nothing", `,"layout":{}`, want{}, ""},
		{"every field", `,"layout":{"reservePercent":10,"dockerZvol":"rpool/docker","arcMax":4294967296,"secrets":["/persist/etc/ssh","/var/lib/secrets"]}`,
			want{10, true, "rpool/docker", true, 4 << 30, true, []string{"/persist/etc/ssh", "/var/lib/secrets"}, true}, ""},
		{"declared none", `,"layout":{"reservePercent":0,"dockerZvol":"","arcMax":0,"secrets":[]}`,
			want{0, true, "", true, 0, true, []string{}, true}, ""},
		{"a zvol in another pool", `,"layout":{"dockerZvol":"tank/docker"}`, want{docker: "tank/docker", dockerOK: true}, ""},
		{"the largest reserve", `,"layout":{"reservePercent":50}`, want{reserve: 50, reserveOK: true}, ""},
		{"reserve above 50", `,"layout":{"reservePercent":51}`, want{}, "layout.reservePercent 51: must be between 0 and 50"},
		{"negative reserve", `,"layout":{"reservePercent":-1}`, want{}, "layout.reservePercent -1"},
		{"reserve as a string", `,"layout":{"reservePercent":"10"}`, want{}, "layout.reservePercent"},
		{"reserve as a fraction", `,"layout":{"reservePercent":10.5}`, want{}, "layout.reservePercent"},
		{"negative arcMax", `,"layout":{"arcMax":-1}`, want{}, "layout.arcMax"},
		{"arcMax beyond 64 bits", `,"layout":{"arcMax":18446744073709551616}`, want{}, "layout.arcMax"},
		{"arcMax below what ZFS honours", `,"layout":{"arcMax":1048576}`, want{}, "layout.arcMax 1048576: ZFS ignores"},
		{"a zvol name with @", `,"layout":{"dockerZvol":"rpool/docker@s"}`, want{}, `layout.dockerZvol "rpool/docker@s"`},
		{"a zvol that is a pool", `,"layout":{"dockerZvol":"rpool"}`, want{}, `layout.dockerZvol "rpool"`},
		{"a zvol with a trailing slash", `,"layout":{"dockerZvol":"rpool/docker/"}`, want{}, `layout.dockerZvol`},
		{"the rolled-back dataset as the zvol", `,"layout":{"dockerZvol":"rpool/nixos/empty"}`, want{}, "rolled back at every boot"},
		{"a zvol beneath the rolled-back dataset", `,"layout":{"dockerZvol":"rpool/nixos/empty/docker"}`, want{}, "rolled back at every boot"},
		{"a relative secret", `,"layout":{"secrets":["etc/ssh"]}`, want{}, "layout.secrets[0]"},
		{"a secret with a newline", `,"layout":{"secrets":["/a","/etc/ssh\n"]}`, want{}, "layout.secrets[1]"},
		{"a secret twice", `,"layout":{"secrets":["/etc/ssh","/etc/ssh"]}`, want{}, "layout.secrets[1]: /etc/ssh is listed twice"},
		{"secrets as a string", `,"layout":{"secrets":"/etc/ssh"}`, want{}, "layout.secrets"},
		{"a mis-cased key", `,"layout":{"ARCMax":0}`, want{}, `unknown field "layout.ARCMax"; keys are case-sensitive: did you mean "arcMax"?`},
		{"an unknown key", `,"layout":{"swap":1}`, want{}, `unknown field "layout.swap"`},
		{"a key twice", `,"layout":{"arcMax":0,"arcMax":1073741824}`, want{}, `"layout.arcMax" appears twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(`{` + testBase + tc.layout + `}`))
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want %q", err, tc.wantErr)
				}
				return
			case err != nil:
				t.Fatalf("unexpected error %v", err)
			}
			var got want
			got.reserve, got.reserveOK = c.ReservePercent()
			got.docker, got.dockerOK = c.DockerZvol()
			got.arc, got.arcOK = c.ARCMax()
			got.secrets, got.secretsOK = c.Secrets()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLayoutSurvivesAJSONRoundTrip(t *testing.T) {
	c, err := Parse([]byte(`{` + testBase + `,"layout":{"reservePercent":0,"dockerZvol":"","arcMax":0,"secrets":[]}}`))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(c)
	again, err := Parse(data)
	if err != nil || !reflect.DeepEqual(again, c) {
		t.Errorf("round trip: %v\n%s", err, data)
	}
}

func TestDefaultJSONHasNoLayoutKey(t *testing.T) {
	data, _ := json.Marshal(Default())
	if strings.Contains(string(data), "layout") {
		t.Errorf("the default's JSON changed: %s", data)
	}
}
