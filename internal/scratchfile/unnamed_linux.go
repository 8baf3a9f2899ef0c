package scratchfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// createUnnamed opens a file without a name in dir (O_TMPFILE). ok is false when the kernel or
// the file system cannot do that, and the caller falls back to a named file removed at once.
func createUnnamed(dir, pattern string) (f *os.File, ok bool, err error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	switch {
	case err == nil:
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EISDIR), errors.Is(err, unix.EINVAL):
		return nil, false, nil // no O_TMPFILE here
	default:
		return nil, true, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	name := filepath.Join(dir, strings.ReplaceAll(pattern, "*", "(unnamed)"))
	return os.NewFile(uintptr(fd), name), true, nil
}
