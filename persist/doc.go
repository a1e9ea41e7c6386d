// Package persist owns blankslate's configuration: its JSON schema, the built-in
// default (the layout DESIGN.md describes), validation, and the plan of entries that
// the mounts package applies beneath the new root.
//
// Validation happens before anything is touched: a configuration that fails it makes
// every subcommand exit 2 without a single ZFS call or mount.
package persist
