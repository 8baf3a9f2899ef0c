package scratchfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// createAndUse creates a scratch file in a new TMPDIR, writes to it, reads it back and checks
// that the folder shows nothing; it returns the file, open, and the folder.
func createAndUse(t *testing.T) (*File, string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	f, err := Create("savbilling-test-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("ligne 1\tZoé\n"); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<20))
	if err != nil || string(got) != "ligne 1\tZoé\n" {
		t.Errorf("read back %q, %v", got, err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("the folder shows %d files while the scratch file is open", len(left))
	}
	return f, dir
}

func TestCreate(t *testing.T) {
	f, dir := createAndUse(t)
	if runtime.GOOS == "linux" {
		// A file created with a name and removed shows that name in /proc, marked (deleted);
		// one created without a name never had it.
		link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(link, "savbilling-test-") {
			t.Errorf("the scratch file had a name in the folder: %s", link)
		}
		if f.named {
			t.Error("the file is marked named on Linux")
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("the folder holds %d files after Close", len(left))
	}
}

// Where the system cannot create a file without a name, it is created and removed at once.
func TestCreateFallback(t *testing.T) {
	unnamed = func(string, string) (*os.File, bool, error) { return nil, false, nil }
	defer func() { unnamed = createUnnamed }()
	f, _ := createAndUse(t)
	if f.named {
		t.Error("the file is marked named after a successful removal")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// A missing temporary folder gives an error that names it and the fix, on both paths.
func TestCreateMissingFolder(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		if fallback {
			unnamed = func(string, string) (*os.File, bool, error) { return nil, false, nil }
		}
		dir := filepath.Join(t.TempDir(), "absent")
		t.Setenv("TMPDIR", dir)
		_, err := Create("savbilling-test-*")
		unnamed = createUnnamed
		if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "set TMPDIR") {
			t.Errorf("fallback %v: error %v, want one naming %s and TMPDIR", fallback, err, dir)
		}
	}
}

// A probe of an output folder (CreateIn) is a scratch file of that folder: nothing of it shows
// in the folder while it is open, whatever TMPDIR is.
func TestCreateInTheGivenFolder(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", t.TempDir())
	f, err := CreateIn(dir, ".savbilling-probe-*")
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("the folder shows %d files while the probe is open", len(left))
	}
	if runtime.GOOS == "linux" {
		link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(strings.TrimSuffix(link, " (deleted)")) != dir || strings.Contains(link, "probe") {
			t.Errorf("the probe is %s, want a file without a name in %s", link, dir)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateIn(filepath.Join(dir, "missing"), "x-*"); err == nil || strings.Contains(err.Error(), "TMPDIR") {
		t.Errorf("a missing folder: %v, want an error that does not blame TMPDIR", err)
	}
}
