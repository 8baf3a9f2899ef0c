package faults

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// outFile is one file of an output tree.
type outFile struct {
	size int64
	sha  string
	mode fs.FileMode
}

// tree is an output folder: every regular file by slash path, and the temporary files a writer
// left (.NAME.tmp…, as internal/atomicfile names them).
type tree struct {
	files map[string]outFile
	dirs  map[string]fs.FileMode
	temps []string
}

func readTree(t testing.TB, root string) tree {
	t.Helper()
	tr := tree{files: map[string]outFile{}, dirs: map[string]fs.FileMode{}}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel != "." {
				tr.dirs[rel] = info.Mode().Perm()
			}
			return nil
		}
		if isTemp(d.Name()) {
			tr.temps = append(tr.temps, rel)
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return err
		}
		tr.files[rel] = outFile{size: n, sha: hex.EncodeToString(h.Sum(nil)), mode: info.Mode()}
		return nil
	})
	if err != nil {
		t.Fatalf("read output tree %s: %v", root, err)
	}
	return tr
}

// isTemp reports whether a file name is one of atomicfile's temporary files.
func isTemp(name string) bool { return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp") }

// diffTrees says how got differs from want: missing, extra and different files (a few each).
func diffTrees(want, got tree) []string {
	var missing, extra, changed []string
	for p, w := range want.files {
		g, ok := got.files[p]
		switch {
		case !ok:
			missing = append(missing, p)
		case g.sha != w.sha:
			changed = append(changed, fmt.Sprintf("%s (%d bytes, want %d)", p, g.size, w.size))
		}
	}
	for p := range got.files {
		if _, ok := want.files[p]; !ok {
			extra = append(extra, p)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	slices.Sort(changed)
	var out []string
	if len(missing) > 0 {
		out = append(out, fmt.Sprintf("%d files missing, e.g. %v", len(missing), head(missing, 3)))
	}
	if len(extra) > 0 {
		out = append(out, fmt.Sprintf("%d extra files, e.g. %v", len(extra), head(extra, 3)))
	}
	if len(changed) > 0 {
		out = append(out, fmt.Sprintf("%d files differ, e.g. %v", len(changed), head(changed, 3)))
	}
	return out
}

// checkModes checks that every folder of the tree is 0750 and every file 0640.
func checkModes(t testing.TB, what string, tr tree) {
	t.Helper()
	bad := 0
	for p, m := range tr.dirs {
		if m != 0o750 {
			if bad++; bad <= 5 {
				t.Errorf("%s: folder %s has mode %#o, want 0750", what, p, m)
			}
		}
	}
	for p, f := range tr.files {
		if f.mode.Perm() != 0o640 || !f.mode.IsRegular() {
			if bad++; bad <= 5 {
				t.Errorf("%s: file %s has mode %v, want -rw-r----- (0640)", what, p, f.mode)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d paths with a wrong mode in all", what, bad)
	}
}

// watch is an io.Writer for a process's stderr that remembers when a marker first appeared.
type watch struct {
	mu     sync.Mutex
	start  time.Time
	buf    strings.Builder
	marker string
	seenAt time.Duration // 0: not yet
}

func newWatch(marker string) *watch { return &watch{marker: marker, start: time.Now()} }

func (w *watch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.seenAt == 0 && strings.Contains(w.buf.String(), w.marker) {
		w.seenAt = time.Since(w.start)
	}
	return len(p), nil
}

func (w *watch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (w *watch) seen() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seenAt
}
