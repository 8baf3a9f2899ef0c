package einvoice

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// validatorScript is the copy of the third-party validators' script (testdata/validators).
func validatorScript(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", "validators", "validate-einvoice.sh")
}

// NeedValidators skips the test when java, Saxon-HE, xmllint, pdfdetach or pikepdf is missing,
// and fails it under CI=true: CI must install them (.ci/run).
func needValidators(t testing.TB) {
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

// validate runs the validators over dir (one JVM per rule set for the whole folder) and returns
// their output and whether every file passed.
func validate(t testing.TB, dir string) (string, bool) {
	t.Helper()
	needValidators(t)
	cmd := exec.Command("bash", validatorScript(t), dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			return string(out), false
		}
		t.Fatalf("validators: %v\n%s", err, out)
	}
	return string(out), true
}
