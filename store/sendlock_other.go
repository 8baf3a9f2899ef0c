//go:build !unix

package store

import (
	"errors"
	"fmt"
	"os"
)

// flockFile takes the lock file at path by creating it exclusively (no flock here): a process
// killed while holding it leaves the file, which the operator removes.
func flockFile(path string) (release func(), ok bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("create the lock file %s: %w", path, err)
	}
	return func() { f.Close(); os.Remove(path) }, true, nil
}
