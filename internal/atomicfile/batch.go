package atomicfile

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
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
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	bw := bufio.NewWriterSize(f, 32<<10)
	cw := &counter{w: io.MultiWriter(bw, h)}
	if err := fn(cw); err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(FileMode); err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	b.mu.Lock()
	b.paths = append(b.paths, path)
	b.dirs[dir] = true
	b.mu.Unlock()
	return Written{Bytes: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
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
