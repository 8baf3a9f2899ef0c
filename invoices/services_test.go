package invoices

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	sb "savbilling"
	"savbilling/reconcile"
)

// servicesStatement is longStatement(n) with services on its lines: short, over a few lines of
// the cell, the longest (reconcile.ServicesMaxRunes code points, cut) or the tallest, and none
// (« n opération(s) »), in turn.
func servicesStatement(n int) *sb.Book {
	b := longStatement(n)
	longest := reconcile.ServicesCap(strings.Repeat("Remplacement du moyeu arrière ", 12))
	// the tallest: words of wide letters, one a line
	tallest := reconcile.ServicesCap(strings.Repeat(strings.Repeat("W", 12)+" ", 30))
	for i := range b.Statements[0].Commissions {
		c := &b.Statements[0].Commissions[i]
		switch i % 4 {
		case 0:
			c.Services = "Réglage des freins"
		case 1:
			c.Services = fmt.Sprintf("Changement de chaîne %d, Dévoilage de roue avant, Remplacement pneu arrière, Frais de déplacement", i)
		case 2:
			c.Services = longest
			if i%8 == 6 {
				c.Services = tallest
			}
		}
	}
	return b
}

// TestServicesWrapOverTheirRowAcrossPages: each line's services print whole in the « Prestations »
// column, over as many lines of their cell as they need (the longest too: the row grows); the
// table goes on over pages with its heading « Commissions (suite) » and its header on each, no
// row below the content's bottom; a line without services says « n opération(s) ».
func TestServicesWrapOverTheirRowAcrossPages(t *testing.T) {
	b := servicesStatement(60)
	s := &b.Statements[0]
	r := New(nil)
	_, model, err := r.build(b, func(m measurer) *doc { return r.layoutStatement(m, b, s) }, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(model.pages) < 3 {
		t.Fatalf("%d pages: the rows did not grow", len(model.pages))
	}
	for i, p := range model.pages {
		for _, o := range p.ops {
			if o.kind == opText && o.y > flowBottom && o.y < footerY {
				t.Errorf("page %d: %q printed at %.1f mm, below the content's bottom (%.0f mm)", i+1, o.text, o.y, flowBottom)
			}
		}
	}
	pdf := renderStatement(t, r, b, 0)
	text := pdfText(t, pdf, 0)
	pp := pages(text)
	if len(pp) != len(model.pages) {
		t.Fatalf("%d pages, the model has %d", len(pp), len(model.pages))
	}
	for i, p := range pp {
		if !strings.Contains(flat(p), "Net TTC") { // the pages of the table
			contains(t, fmt.Sprintf("page %d", i+1), p, "Intervention Date de clôture Ville Prestations Montant HT")
		}
		if i > 0 && i < len(pp)-1 {
			contains(t, fmt.Sprintf("page %d", i+1), p, "Commissions (suite)")
		}
	}
	// the column of the services alone, every page: each line's services whole, in order
	x := marginL + colsServices[0] + colsServices[1] + colsServices[2]
	column := flat(strings.Join(pdfTextBetween(t, pdf, x, x+colsServices[3]), " "))
	at := 0
	for _, c := range s.Commissions {
		want := c.Services
		if want == "" {
			want = fmt.Sprintf("%d opération", c.Operations)
			if c.Operations > 1 {
				want += "s"
			}
		}
		i := strings.Index(column[at:], flat(want))
		if i < 0 {
			t.Fatalf("intervention %d: « %s » not printed whole after the lines before it in the column:\n%s", c.InterventionID, want, column[at:])
		}
		at += i + len(flat(want))
	}
	if n := utf8.RuneCountInString(s.Commissions[2].Services); n != reconcile.ServicesMaxRunes {
		t.Fatalf("the longest services have %d code points", n)
	}
}

// pdfTextBetween is pdftotext's text of each page of pdf between x0 and x1 mm from the left.
func pdfTextBetween(t *testing.T, pdf []byte, x0, x1 float64) []string {
	t.Helper()
	bin := needPdftotext(t)
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	px := func(mm float64) string { return fmt.Sprint(int(mm / 25.4 * 72)) }
	out, err := exec.Command(bin, "-enc", "UTF-8", "-x", px(x0), "-y", "0", "-W", px(x1-x0), "-H", "842", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return pages(string(out))
}
