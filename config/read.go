package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// readFile reads a configuration file without ever blocking or reading without
// end: O_NONBLOCK so that opening a FIFO returns at once (a FIFO would otherwise
// wait for a writer and hang the boot), then only a regular file is read, and at
// most MaxFileSize bytes of it.
func readFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (it is a %s); point --config at the JSON file", path, kindOf(st.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d MiB; a configuration is never that large", path, MaxFileSize>>20)
	}
	return data, nil
}

func kindOf(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeNamedPipe != 0:
		return "FIFO"
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "block device"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// defaultExists says whether the default file is there. Only "no such file"
// means the built-in default: a file that cannot be looked at (permissions, a
// component that is not a directory) is an error, not a reason to boot with
// another configuration than the one written.
func defaultExists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist): // ENOENT only; ENOTDIR is an error
		return false, nil
	}
	return false, err
}
