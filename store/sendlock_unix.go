//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// flockFile takes an exclusive lock on the file at path without waiting (creating the file
// when missing) and returns its release; ok is false when another process holds it. The lock
// dies with the process that holds it.
func flockFile(path string) (release func(), ok bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("open the lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, true, nil // closing the file releases the lock
}
