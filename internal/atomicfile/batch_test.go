package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestBatch(t *testing.T) {
	dir := t.TempDir()
	b := NewBatch()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := b.Write(filepath.Join(dir, fmt.Sprintf("f%02d", i)), func(w io.Writer) error {
				_, err := io.WriteString(w, strings.Repeat("x", i))
				return err
			})
			if err != nil || w.Bytes != int64(i) {
				t.Errorf("write %d: %v %+v", i, err, w)
			}
		}()
	}
	wg.Wait()
	// a failed write leaves nothing
	if _, err := b.Write(filepath.Join(dir, "bad"), func(w io.Writer) error { return errors.New("no") }); err == nil {
		t.Error("a failing writer must fail the write")
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 20 {
		t.Errorf("%d files", len(entries))
	}
	for _, e := range entries {
		info, _ := e.Info()
		if isTemp(e.Name()) || info.Mode().Perm() != FileMode {
			t.Errorf("%s: mode %v", e.Name(), info.Mode())
		}
	}
	if err := b.syncEach(); err != nil { // the portable path
		t.Error(err)
	}
}

// A temporary file removed by another run before its rename (RemoveTemps of a concurrent
// render) is written again.
func TestTemporaryFileVanished(t *testing.T) {
	dir := t.TempDir()
	calls := 0
	fn := func(w io.Writer) error {
		calls++
		if calls == 1 {
			if err := RemoveTemps(dir); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "content")
		return err
	}
	if _, err := Write(filepath.Join(dir, "a"), fn); err != nil || calls != 2 {
		t.Errorf("Write: %v after %d calls", err, calls)
	}
	calls = 0
	if _, err := NewBatch().Write(filepath.Join(dir, "b"), fn); err != nil || calls != 2 {
		t.Errorf("Batch.Write: %v after %d calls", err, calls)
	}
	for _, name := range []string{"a", "b"} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(data) != "content" {
			t.Errorf("%s: %q %v", name, data, err)
		}
	}
}
