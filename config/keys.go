package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// checkKeys rejects keys that are not spelled exactly as the schema spells them.
// encoding/json matches field names case-insensitively, so without this
// "persistroot" would be taken for "persistRoot"; a configuration is a contract
// and a near-miss must be an error, not a guess.
func checkKeys(data []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil // not an object: the strict decoder reports it
	}
	if err := exactKeys("", top, reflect.TypeOf(Config{})); err != nil {
		return err
	}
	sections := []struct {
		key string
		t   reflect.Type
	}{{"audit", reflect.TypeOf(Audit{})}, {"keep", reflect.TypeOf(Keep{})}}
	for _, sec := range sections {
		var obj map[string]json.RawMessage
		if raw, ok := top[sec.key]; ok && json.Unmarshal(raw, &obj) == nil {
			if err := exactKeys(sec.key+".", obj, sec.t); err != nil {
				return err
			}
		}
	}
	var entries []map[string]json.RawMessage
	if raw, ok := top["entries"]; ok && json.Unmarshal(raw, &entries) == nil {
		for i, e := range entries {
			if err := exactKeys(fmt.Sprintf("entries[%d].", i), e, reflect.TypeOf(Entry{})); err != nil {
				return err
			}
		}
	}
	return nil
}

func exactKeys(prefix string, obj map[string]json.RawMessage, t reflect.Type) error {
	known := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		known[strings.Split(t.Field(i).Tag.Get("json"), ",")[0]] = true
	}
	for k := range obj {
		if !known[k] {
			return fmt.Errorf("not valid configuration JSON: unknown field %q", prefix+k)
		}
	}
	return nil
}
