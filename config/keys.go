package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxFileSize bounds a configuration file. The largest sensible one, MaxEntries
// entries, is about 10 MiB; anything larger is not a configuration.
const MaxFileSize = 16 << 20

// maxDepth bounds nesting. A configuration is four levels deep (top, entries,
// an entry, a value); the bound keeps a hostile file from recursing without end.
const maxDepth = 32

// walkKeys reads the document token by token, before anything is decoded, and
// returns the problems of its keys together with the document as it will be
// decoded: every key spelled exactly as the schema spells it, and only once.
//
// encoding/json alone is not enough: it matches keys case-insensitively, so
// "OnFailure" would be taken for "onFailure", and it lets the last of repeated
// keys win, so a file could say "emergency" to one reader and "continue" to
// another. A configuration is a contract; a near-miss or a repeat is an error,
// not a guess. Dropping those keys from what is decoded lets validation still
// report the problems of the values in the same run.
//
// A fatal error means the bytes are not JSON (or not UTF-8, too large, too deep);
// nothing else can then be said about them.
func walkKeys(data []byte) (problems []error, clean []byte, fatal error) {
	if len(data) > MaxFileSize {
		return nil, nil, fmt.Errorf("the file is larger than %d MiB; a configuration is never that large", MaxFileSize>>20)
	}
	if !utf8.Valid(data) {
		return nil, nil, fmt.Errorf("not valid UTF-8 at byte %d; save the file as UTF-8", invalidUTF8At(data))
	}
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		return nil, nil, errors.New("not valid configuration JSON: line 1, column 1: the file starts with a byte-order mark; save it as UTF-8 without one")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	w := &keyWalker{dec: dec}
	v, err := w.value(reflect.TypeOf(Config{}))
	if err == nil {
		if _, err = dec.Token(); errors.Is(err, io.EOF) {
			err = nil
		} else if err == nil {
			err = errors.New("trailing data after the object")
		}
	}
	if err != nil {
		if syn := syntaxError(data); syn != nil {
			err = syn
		}
		return nil, nil, fmt.Errorf("not valid configuration JSON: %w", err)
	}
	clean, err = json.Marshal(v)
	if err != nil {
		return nil, nil, fmt.Errorf("not valid configuration JSON: %w", err)
	}
	return w.problems, clean, nil
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

type keyWalker struct {
	dec      *json.Decoder
	path     []pathElem
	problems []error
}

// value reads one JSON value at path, whose schema type is t (nil: not known, such
// as an object where a string belongs, which the decoder reports).
func (w *keyWalker) value(t reflect.Type) (any, error) {
	if len(w.path) > maxDepth {
		return nil, fmt.Errorf("%s: nested deeper than %d levels", orTop(w.at()), maxDepth)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := w.dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		return w.object(t)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && t.Kind() == reflect.Slice {
			elem = t.Elem()
		}
		list := []any{}
		for i := 0; w.dec.More(); i++ {
			w.path = append(w.path, pathElem{index: i})
			v, err := w.value(elem)
			if err != nil {
				return nil, err
			}
			w.path = w.path[:len(w.path)-1]
			list = append(list, v)
		}
		_, err := w.dec.Token() // ]
		return list, err
	}
	return tok, nil
}

// pathElem is one step of the path to a value: a key, or an index in a list.
type pathElem struct {
	key   string
	index int
}

// at prints the path to the current value as errors name it, e.g.
// "entries[3].path"; built only when there is something to report.
func (w *keyWalker) at() string {
	var b strings.Builder
	for _, e := range w.path {
		switch {
		case e.key == "":
			fmt.Fprintf(&b, "[%d]", e.index)
		case b.Len() > 0:
			b.WriteString("." + e.key)
		default:
			b.WriteString(e.key)
		}
	}
	return b.String()
}

func (w *keyWalker) object(t reflect.Type) (any, error) {
	fields := jsonFields(t)
	obj := map[string]any{}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // the decoder allows only strings here
		ft, known := fields[key]
		w.path = append(w.path, pathElem{key: key})
		v, err := w.value(ft)
		if err != nil {
			return nil, err
		}
		switch {
		case seen[key]:
			w.problems = append(w.problems, fmt.Errorf("key %q appears twice; JSON readers disagree on which one counts, so write it once", w.at()))
		case fields != nil && !known:
			w.problems = append(w.problems, unknownKey(w.at(), key, fields))
		default:
			obj[key] = v
		}
		w.path = w.path[:len(w.path)-1]
		seen[key] = true
	}
	_, err := w.dec.Token() // }
	return obj, err
}

func unknownKey(at, key string, fields map[string]reflect.Type) error {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return fmt.Errorf("unknown field %q; keys are case-sensitive: did you mean %q?", at, name)
		}
	}
	return fmt.Errorf("unknown field %q; remove it or check its spelling against the documentation", at)
}

// jsonFields maps the JSON names of a struct's fields to their types; nil when t
// is not a struct, whose keys are then not checked here.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		m[strings.Split(f.Tag.Get("json"), ",")[0]] = f.Type
	}
	fieldCache.Store(t, m)
	return m
}

// fieldCache holds jsonFields' maps: an entry list is many objects of one type.
var fieldCache sync.Map

func orTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}
