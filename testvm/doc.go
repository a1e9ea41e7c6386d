// Package testvm boots real ZFS under qemu for blankslate's VM tests: a Debian 6.12
// kernel with the OpenZFS 2.3 modules built by DKMS, an initramfs that carries
// busybox, the zfs tools, the static blankslate binary and the guest scenarios in
// guest/, and a raw disk with the seed's layout.
//
// The harness never skips: a missing kernel, module, qemu or binary is a failure
// that names the install step (testvm/install-deps.sh).
package testvm
