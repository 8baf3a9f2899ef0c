// Package atomicfile writes output files so that a crash never leaves a half-written one: the
// content goes to a temporary file in the same folder, is synced, then renamed over the target.
// Folders are created 0750 and files 0640: statements and workbooks are personal data.
package atomicfile

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Modes of what this package creates.
const (
	DirMode  os.FileMode = 0o750
	FileMode os.FileMode = 0o640
)

// Written describes a file written: its size and SHA-256 (hex).
type Written struct {
	Bytes  int64
	SHA256 string
}

// Write creates or replaces path with what fn writes, atomically, and returns its size and hash.
// Callers that may write one folder from several processes serialise them (job locks a period's
// folder while it renders it), so no temporary file is removed under a writer.
func Write(path string, fn func(w io.Writer) error) (Written, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return Written{}, fmt.Errorf("create %s: %w", dir, err)
	}
	return replace(path, fn, true)
}

// buffers recycles the 32 kB write buffers of replace: a close writes 20 000 files at L.
var buffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// replace writes what fn writes to a temporary file in path's folder (buffered, hashed and
// counted), gives it FileMode, fsyncs it when sync is set, and renames it over path. On error
// the temporary file is removed and path is untouched.
func replace(path string, fn func(w io.Writer) error, sync bool) (Written, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
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
	bw := buffers.Get().(*bufio.Writer)
	bw.Reset(f)
	defer func() {
		bw.Reset(nil)
		buffers.Put(bw)
	}()
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
	if sync {
		if err := f.Sync(); err != nil {
			return Written{}, fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := f.Close(); err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return Written{}, fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	return Written{Bytes: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// RemoveTemps removes, under dir, the temporary files that a killed Write left behind.
func RemoveTemps(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isTemp(d.Name()) {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove temporary files under %s: %w", dir, err)
	}
	return nil
}

// isTemp reports whether name is one of Write's temporary files: "." + target + ".tmp…".
func isTemp(name string) bool { return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp") }

// SyncDir makes the renames in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Hash returns the size and SHA-256 of an existing file.
func Hash(path string) (Written, error) {
	f, err := os.Open(path)
	if err != nil {
		return Written{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Written{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return Written{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
