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
