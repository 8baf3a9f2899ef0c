// Package faults is the fault-testing harness of savbilling (issue 6): it runs the real binary
// as a subprocess against SQLite and MariaDB (internal/dbtest) and checks that the job never
// loses nor doubles a cent when it is killed, run concurrently, fed bad data, or asked to keep
// secrets.
//
//	go test ./faults/                      the CI version: a handful of kills, short runs (≤ 90 s)
//	SAVBILLING_SOAK=1 go test -timeout 60m ./faults/   the long version (make soak)
//
// Tests that need MariaDB or pdftotext fail under CI=true when those are missing, and skip
// loudly elsewhere.
package faults

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin is the savbilling binary, built once in TestMain.
var bin string

func TestMain(m *testing.M) {
	// Output modes are checked exactly (folders 0750, files 0640): a known umask for the binary.
	syscall.Umask(0o022)
	dir, err := os.MkdirTemp("", "savbilling-faults-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "savbilling")
	if out, err := exec.Command("go", "build", "-o", bin, "savbilling/cmd/savbilling").CombinedOutput(); err != nil {
		panic("build savbilling: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	if fuzzDir != "" {
		os.RemoveAll(fuzzDir)
	}
	os.Exit(code)
}

// soak reports whether the long versions run (make soak: SAVBILLING_SOAK=1).
func soak() bool { return os.Getenv("SAVBILLING_SOAK") != "" }

// envInt is the integer of the environment variable key, or def.
func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

// needTool returns the path of an external tool. Without it a test fails under CI and skips,
// loudly, elsewhere.
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found: install %s (apt-get install -y %s)", name, pkg, pkg)
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " — required when CI is set")
	}
	fmt.Fprintf(os.Stderr, "\n!!! %s: SKIPPED — %s\n\n", t.Name(), msg)
	t.Skip(msg)
	return ""
}

// result is what one run of the binary did.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// command prepares the binary with args, in a clean working directory (no savbilling.toml), with
// the clock fixed at now (SAVBILLING_NOW) and extra environment variables env ("K=V").
func command(t testing.TB, now time.Time, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(cleanEnv(), "SAVBILLING_NOW="+now.UTC().Format(time.RFC3339))
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// cleanEnv is the test's environment without the variables that configure savbilling.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SAVBILLING_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// sbrun runs the binary to completion.
func sbrun(t testing.TB, now time.Time, env []string, args ...string) result {
	t.Helper()
	cmd := command(t, now, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(t0)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run savbilling %s: %v", strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// mustRun runs the binary and fails the test unless it exits 0.
func mustRun(t testing.TB, now time.Time, env []string, args ...string) result {
	t.Helper()
	r := sbrun(t, now, env, args...)
	if r.code != 0 {
		t.Fatalf("savbilling %s: %s", strings.Join(args, " "), r)
	}
	return r
}

var bg = context.Background()
