// Package config owns blankslate's configuration: its JSON schema, the built-in
// default (the layout docs/DESIGN.md describes) and validation. It imports nothing
// of the project; the plan that turns entries into mounts lives in package mounts.
//
// Validation happens before anything is touched: a configuration that fails it makes
// every subcommand exit 2 without a single ZFS call or mount.
package config
