//go:build unix

package job

import (
	"fmt"
	"os"
	"syscall"
)

// lockDir takes an exclusive lock on a period's output folder, waiting for another process that
// renders it, and returns its release. Two runs never write one period's outputs at once.
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir) // flock works on the folder itself: no file to leave behind
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() { f.Close() }, nil // closing the file releases the lock
}
