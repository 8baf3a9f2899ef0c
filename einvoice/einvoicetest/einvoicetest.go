// Package einvoicetest runs the third-party e-invoice validators (einvoice/testdata/validators:
// XSD and Schematron of Factur-X EN 16931, the French BR-FR Schematron, the PDF/A-3 + Factur-X
// container check) from tests.
package einvoicetest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Script is the path of the validators' script.
func Script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "validators", "validate-einvoice.sh")
}

// NeedValidators skips the test when java, Saxon-HE, xmllint, pdfdetach or pikepdf is missing,
// and fails it under CI=true: CI must install them (.ci/run).
func NeedValidators(t testing.TB) {
	t.Helper()
	var missing []string
	for _, tool := range []string{"java", "xmllint", "pdfdetach", "python3", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if _, err := os.Stat("/usr/share/java/Saxon-HE.jar"); err != nil {
		missing = append(missing, "Saxon-HE (libsaxonhe-java)")
	}
	// the container check runs Debian's python, which has pikepdf
	if err := exec.Command("/usr/bin/python3", "-c", "import pikepdf").Run(); err != nil {
		missing = append(missing, "pikepdf (python3-pikepdf)")
	}
	if len(missing) == 0 {
		return
	}
	msg := "e-invoice validators need " + strings.Join(missing, ", ") +
		": apt-get install default-jre-headless libsaxonhe-java libxml2-utils poppler-utils python3-pikepdf"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Validate runs the validators over the files or folders given (one JVM per rule set for them
// all) and returns their output and whether every file passed. Tools missing: see
// NeedValidators.
func Validate(t testing.TB, paths ...string) (out string, ok bool) {
	t.Helper()
	NeedValidators(t)
	b, err := exec.Command("bash", append([]string{Script()}, paths...)...).CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 1 {
			return string(b), false
		}
		t.Fatalf("e-invoice validators: %v\n%s", err, b)
	}
	return string(b), true
}

// Failures are the output's lines reporting a failure (FAIL …).
func Failures(out string) []string {
	var f []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "FAIL") {
			f = append(f, l)
		}
	}
	return f
}
