package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"savbilling/internal/dbtest"
)

// TestRenderLeavesIssuedDocuments runs the binary: `render` of a closed period restores a missing
// statement with the bytes issued (exit 0); when the manifest records bytes this version does not
// produce, it leaves the file as it is, says so and exits 1.
func TestRenderLeavesIssuedDocuments(t *testing.T) {
	e := dbtest.Engines(t)[0]
	worked(t, e)
	out := t.TempDir()
	run := func(args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--db", e.DB, "--out", out)...)
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, b.String()
	}
	for _, p := range []string{"2026-09", "2026-10"} {
		if code, text := run("close", "--period", p); code != 0 {
			t.Fatalf("close %s: exit %d\n%s", p, code, text)
		}
	}
	dir := filepath.Join(out, "2026-10")
	pdf := filepath.Join(dir, "statements", "REL-1-2026-0002.pdf")
	issued, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(pdf); err != nil {
		t.Fatal(err)
	}
	code, text := run("render", "--period", "2026-10")
	if got, _ := os.ReadFile(pdf); code != 0 || !bytes.Equal(got, issued) || !strings.Contains(text, "restored statements/REL-1-2026-0002.pdf") {
		t.Errorf("render of a missing statement: exit %d, %d bytes (issued %d)\n%s", code, len(got), len(issued), text)
	}

	// The manifest records other bytes for the statement (as if an earlier version had issued
	// it): this version cannot reproduce them.
	mpath := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(mpath)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range m["files"].([]any) {
		if f := f.(map[string]any); f["path"] == "statements/REL-1-2026-0002.pdf" {
			f["sha256"] = strings.Repeat("0", 64)
		}
	}
	tampered, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(mpath, tampered, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, []byte("damaged"), 0o640); err != nil {
		t.Fatal(err)
	}
	code, text = run("render", "--period", "2026-10")
	if got, _ := os.ReadFile(pdf); code != exitFailed || string(got) != "damaged" || !strings.Contains(text, "NOT reproduced: statements/REL-1-2026-0002.pdf") {
		t.Errorf("render that cannot reproduce: exit %d, file %q\n%s", code, got, text)
	}
	if got, _ := os.ReadFile(mpath); !bytes.Equal(got, tampered) {
		t.Errorf("the manifest was rewritten")
	}
}
