package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	p := filepath.Join(dir, "f.txt")
	w, err := Write(p, func(w io.Writer) error { _, err := io.WriteString(w, "abc"); return err })
	if err != nil {
		t.Fatal(err)
	}
	if w.Bytes != 3 || w.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("written = %+v", w)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != FileMode {
		t.Errorf("file mode %v", st.Mode().Perm())
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != DirMode {
		t.Errorf("dir mode %v", st.Mode().Perm())
	}
	// A failed write leaves the old file and no temporary behind.
	_, err = Write(p, func(w io.Writer) error { io.WriteString(w, "partial"); return errors.New("boom") })
	if err == nil {
		t.Fatal("error expected")
	}
	if b, _ := os.ReadFile(p); string(b) != "abc" {
		t.Errorf("old content replaced: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if h, err := Hash(p); err != nil || h != w {
		t.Errorf("Hash = %+v, %v", h, err)
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.pdf", ".a.pdf.tmp123", "sub/.b.xlsx.tmp9", "sub/keep.tmp.txt"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o750)
		os.WriteFile(p, nil, 0o640)
	}
	if err := RemoveTemps(dir); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"a.pdf": true, ".a.pdf.tmp123": false, "sub/.b.xlsx.tmp9": false, "sub/keep.tmp.txt": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: exists = %v, want %v", name, err == nil, want)
		}
	}
	if err := RemoveTemps(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("a missing folder is not an error: %v", err)
	}
}
