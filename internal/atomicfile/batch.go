package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Batch writes many files like Write — each to a temporary file renamed over its name once
// complete, so that no process ever sees a half-written file under its name, even when the
// writer is killed — but makes them durable with one sync for all: Sync, after the last Write,
// syncs their file system (syncfs on Linux; an fsync of each file elsewhere) and their folders.
// Until Sync returns, a power loss may leave a file written by the batch incomplete: write the
// file that marks the set complete (a manifest) only after it.
//
// Write may be called from several goroutines; Sync once, after the last Write.
type Batch struct {
	mu    sync.Mutex
	paths []string
	dirs  map[string]bool
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{dirs: map[string]bool{}} }

// Write creates or replaces path with what fn writes, through a temporary file renamed once
// complete, and returns the size and hash of the content. The folder of path must exist.
func (b *Batch) Write(path string, fn func(w io.Writer) error) (Written, error) {
	w, err := replace(path, fn, false)
	if err != nil {
		return Written{}, err
	}
	b.mu.Lock()
	b.paths = append(b.paths, path)
	b.dirs[filepath.Dir(path)] = true
	b.mu.Unlock()
	return w, nil
}

// Sync makes every file written so far durable, with the renames of their folders.
func (b *Batch) Sync() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.sync(); err != nil {
		return err
	}
	for dir := range b.dirs {
		if err := SyncDir(dir); err != nil {
			return err
		}
	}
	return nil
}

// syncEach fsyncs every file: the portable way to make them durable.
func (b *Batch) syncEach() error {
	for _, path := range b.paths {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("sync %s: %w", path, err)
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil && !errors.Is(err, os.ErrInvalid) {
			return fmt.Errorf("sync %s: %w", path, err)
		}
	}
	return nil
}
