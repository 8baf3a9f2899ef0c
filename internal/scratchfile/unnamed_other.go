//go:build !linux

package scratchfile

import "os"

// createUnnamed is not available on this system: the caller creates a named file and removes it
// at once.
func createUnnamed(dir, pattern string) (*os.File, bool, error) { return nil, false, nil }
