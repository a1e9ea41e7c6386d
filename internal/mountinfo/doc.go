// Package mountinfo reads the kernel's mount table (/proc/self/mountinfo,
// proc(5)) and tells whether a directory is the root of a mount.
package mountinfo
