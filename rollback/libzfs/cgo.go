package libzfs

// #cgo CFLAGS: -D_GNU_SOURCE -I/usr/include/libzfs -I/usr/include/libspl -Werror=implicit-function-declaration
import "C"
