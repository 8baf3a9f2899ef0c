package atomicfile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// sync makes the batch's files durable with one syncfs(2) per folder's file system, which
// writes back every file of it at once: for thousands of small files, far cheaper than an fsync
// each.
func (b *Batch) sync() error {
	if len(b.paths) == 0 {
		return nil
	}
	for dir := range b.dirs {
		d, err := os.Open(dir)
		if err != nil {
			return err
		}
		err = unix.Syncfs(int(d.Fd()))
		d.Close()
		if errors.Is(err, unix.ENOSYS) {
			return b.syncEach()
		}
		if err != nil {
			return fmt.Errorf("sync the file system of %s: %w", dir, err)
		}
	}
	return nil
}
