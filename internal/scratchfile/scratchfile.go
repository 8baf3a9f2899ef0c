// Package scratchfile creates the temporary files a run reads back before it ends (the
// workbook's spool, the commission lines waiting for their LOAD DATA). They hold personal data,
// so a killed process must leave nothing of them behind: on Linux the file is created without
// a name (O_TMPFILE), and where the system cannot do that it is created and removed at once,
// which leaves a window of one system call in which a kill would leave it in the folder.
package scratchfile

import (
	"fmt"
	"os"
)

// File is an open scratch file. Close closes it and removes it if it still has a name.
type File struct {
	*os.File
	named bool // the file has a name in its folder (removing it failed, e.g. on Windows)
}

// Close closes the file and removes it if it still has a name.
func (f *File) Close() error {
	err := f.File.Close()
	if f.named {
		if rerr := os.Remove(f.File.Name()); err == nil {
			err = rerr
		}
		f.named = false
	}
	return err
}

// unnamed is createUnnamed, replaced by tests of the fallback.
var unnamed = createUnnamed

// Create returns a new scratch file, open for reading and writing, in the system's temporary
// folder (os.TempDir, i.e. TMPDIR). pattern names it as in os.CreateTemp; the name is only seen
// in error messages and, where the system cannot create a file without a name, in the folder
// for as long as one system call.
func Create(pattern string) (*File, error) {
	return create(os.TempDir(), pattern, " (set TMPDIR to a writable folder)")
}

// CreateIn is Create in folder dir: a probe of whether a folder takes files leaves nothing in
// it, even when the process is killed.
func CreateIn(dir, pattern string) (*File, error) { return create(dir, pattern, "") }

func create(dir, pattern, hint string) (*File, error) {
	if f, ok, err := unnamed(dir, pattern); ok {
		if err != nil {
			return nil, fmt.Errorf("create a scratch file in %s%s: %w", dir, hint, err)
		}
		return &File{File: f}, nil
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("create a scratch file in %s%s: %w", dir, hint, err)
	}
	return &File{File: f, named: os.Remove(f.Name()) != nil}, nil
}
