package invoices

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	sb "savbilling"
)

// needPdftotext returns the path of pdftotext. Without it, a test fails in CI (CI set) and is
// skipped, loudly, elsewhere.
func needPdftotext(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err == nil {
		return p
	}
	msg := "pdftotext not found: install poppler-utils (apt-get install -y poppler-utils) to check the PDFs' text"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " — required when CI is set")
	}
	fmt.Fprintf(os.Stderr, "\n!!! %s: SKIPPED — %s\n\n", t.Name(), msg)
	t.Skip(msg)
	return ""
}

// pdfText is `pdftotext -layout` of a PDF; with left > 0 only the left part of each page, that
// many millimetres wide (to read the notes column whole).
func pdfText(t testing.TB, pdf []byte, left float64) string {
	t.Helper()
	bin := needPdftotext(t)
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-layout", "-enc", "UTF-8"}
	if left > 0 {
		// -x/-y/-W/-H are pixels at 72 dpi
		args = append(args, "-x", "0", "-y", "0", "-W", fmt.Sprint(int(left/25.4*72)), "-H", "842")
	}
	out, err := exec.Command(bin, append(args, f, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

var spaces = regexp.MustCompile(`\s+`)

// flat collapses every run of white space (newlines included) to one space, so that a label
// and its amount read « Net HT 80,00 € » however far apart the layout puts them.
func flat(s string) string { return spaces.ReplaceAllString(s, " ") }

// pages splits pdftotext's output at its form feeds.
func pages(text string) []string {
	p := strings.Split(text, "\f")
	if len(p) > 0 && strings.TrimSpace(p[len(p)-1]) == "" {
		p = p[:len(p)-1]
	}
	return p
}

// contains checks that the flattened text holds every phrase.
func contains(t testing.TB, what, text string, phrases ...string) {
	t.Helper()
	ft := flat(text)
	for _, p := range phrases {
		if !strings.Contains(ft, flat(p)) {
			t.Errorf("%s: missing « %s »", what, p)
		}
	}
	if t.Failed() {
		t.Logf("%s text:\n%s", what, text)
	}
}

// lacks checks that the text holds none of the phrases.
func lacks(t testing.TB, what, text string, phrases ...string) {
	t.Helper()
	ft := flat(text)
	for _, p := range phrases {
		if strings.Contains(ft, flat(p)) {
			t.Errorf("%s: must not print « %s »", what, p)
		}
	}
}

func renderStatement(t testing.TB, r *Renderer, b *sb.Book, i int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Statement(&buf, b, &b.Statements[i]); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func renderInvoice(t testing.TB, r *Renderer, b *sb.Book, i int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Invoice(&buf, b, &b.Invoices[i]); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
