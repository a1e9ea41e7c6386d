package config

import (
	"errors"
	"fmt"
)

// maxListed bounds the problems one error lists: a generated file can have a
// hundred thousand wrong entries, and the journal needs the first ones and the count.
const maxListed = 100

// listed joins problems, one per line, at most maxListed of them. Joined errors
// among them are flattened first, so that the bound counts lines.
func listed(problems []error) error {
	var flat []error
	var walk func(err error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if err != nil {
			flat = append(flat, err)
		}
	}
	for _, p := range problems {
		walk(p)
	}
	if len(flat) > maxListed {
		more := len(flat) - maxListed
		flat = append(flat[:maxListed:maxListed], fmt.Errorf("… and %d more problems not listed; fix these and run \"blankslate validate\" again", more))
	}
	return errors.Join(flat...)
}
