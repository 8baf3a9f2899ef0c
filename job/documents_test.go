package job

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/internal/dbtest"
	"savbilling/invoices"
	"savbilling/sample"
)

// pdftotext returns the path of pdftotext. Without it, a test fails in CI (CI set) and is
// skipped, loudly, elsewhere.
func pdftotext(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err == nil {
		return p
	}
	msg := "pdftotext not found: install poppler-utils (apt-get install -y poppler-utils)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " — required when CI is set")
	}
	fmt.Fprintf(os.Stderr, "\n!!! %s: SKIPPED — %s\n\n", t.Name(), msg)
	t.Skip(msg)
	return ""
}

var (
	docNumbers  = regexp.MustCompile(`(FAC|NDD)-\d{4}-\d{6}|(REL|RDC)-\d+-\d{4}-\d{2,4}`)
	draftMarks  = regexp.MustCompile(`BROUILLON — non numéroté|facture de dépassement \(brouillon\)|note de débit \(brouillon\)|de la période \(brouillon\)`)
	whiteSpaces = regexp.MustCompile(`\s+`)
	watermark   = regexp.MustCompile(`B\s*R\s*O\s*U\s*I\s*L\s*L\s*O\s*N`)
)

// comparableText is a PDF's text as pdftotext -raw reads it, white space flattened; normalized,
// with its numbers and a draft's stand-ins for them replaced by « <n°> », and the draft
// watermark removed: what a closed document and its dry-run draft must share word for word.
func comparableText(t *testing.T, bin, file string, normalize bool) string {
	t.Helper()
	out, err := exec.Command(bin, "-raw", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", file, err)
	}
	s := whiteSpaces.ReplaceAllString(string(out), " ")
	if !normalize {
		return s
	}
	s = draftMarks.ReplaceAllString(s, "<n°>")
	s = docNumbers.ReplaceAllString(s, "<n°>")
	s = watermark.ReplaceAllString(s, "")
	return strings.TrimSpace(whiteSpaces.ReplaceAllString(s, " "))
}

// A closed period's documents are rendered from the ledger, its statements streamed a batch at a
// time; its dry run's drafts from the close's book in memory. Each statement and invoice of the
// demo's three months must read, word for word, as its draft, numbers and watermark aside: an
// issued overflow invoice names its statement and lists the SAV items it bills exactly as its
// draft does.
func TestClosedDocumentsReadAsTheirDrafts(t *testing.T) {
	bin := pdftotext(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			j := newJob(t, db)
			j.Renderers = []Renderer{PDF(invoices.New(nil))}
			invoicesSeen := 0
			for _, st := range sample.Demo(sep) {
				insertDemo(t, db, st)
				dry := dryRunApart(ctx, t, j, st.Period, now)
				res := mustClose(t, j, st.Period)
				b := booked(t, db, st.Period)
				// the draft of each closed document, by the repairer id in its file name
				draftOf := map[string]string{}
				draftBook := &sb.Book{Draft: true}
				for _, s := range b.Statements {
					draftOf[invoices.StatementPath(b, &s)] = invoices.StatementPath(draftBook, &s)
				}
				for _, v := range b.Invoices {
					draftOf[invoices.InvoicePath(b, &v)] = invoices.InvoicePath(draftBook, &v)
					invoicesSeen++
					// the issued invoice names its statement by its number
					text := comparableText(t, bin, filepath.Join(res.Dir, invoices.InvoicesDir, v.Number+".pdf"), false)
					names := "Dépassement du relevé "
					if v.DebitNote() {
						names = "Indemnités non compensées du relevé "
					}
					if st := b.StatementOf(v.Repairer.ID); st == nil || !strings.Contains(text, names+st.Number) ||
						!strings.Contains(text, "Interventions SAV couvertes — relevé "+st.Number) {
						t.Errorf("%s: %s does not name its statement and the SAV items it bills: %s", b.Period, v.Number, text)
					}
				}
				var closedDocs, draftDocs []string
				for _, f := range res.Manifest.Files {
					if strings.HasSuffix(f.Path, ".pdf") {
						closedDocs = append(closedDocs, f.Path)
					}
				}
				for _, f := range dry.Manifest.Files {
					if strings.HasSuffix(f.Path, ".pdf") {
						draftDocs = append(draftDocs, f.Path)
					}
				}
				if len(closedDocs) != len(b.Statements)+len(b.Invoices) || len(closedDocs) != len(draftDocs) || len(closedDocs) == 0 {
					t.Fatalf("%s: %d documents issued, %d drafts, %d statements and %d invoices booked", st.Period,
						len(closedDocs), len(draftDocs), len(b.Statements), len(b.Invoices))
				}
				for _, doc := range closedDocs {
					d, ok := draftOf[doc]
					if !ok || !slices.Contains(draftDocs, d) {
						t.Errorf("%s: %s has no draft (%q)", st.Period, doc, d)
						continue
					}
					got := comparableText(t, bin, filepath.Join(res.Dir, filepath.FromSlash(doc)), true)
					want := comparableText(t, bin, filepath.Join(dry.Dir, filepath.FromSlash(d)), true)
					if got != want {
						t.Errorf("%s: %s does not read as its draft %s:\n issued: %s\n draft:  %s", st.Period, doc, path.Base(d),
							firstDifference(got, want), firstDifference(want, got))
					}
				}
				if st.Period == oct {
					demoOctoberWording(t, bin, res.Dir, b)
				}
				demoExplained(t, bin, res.Dir, b) // issue 19: every euro explained (explain_test.go)
			}
			if invoicesSeen == 0 {
				t.Fatal("the demo issued no invoice: the test would not check one")
			}
		})
	}
}

// firstDifference is a's text around the first place where it differs from b.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from, to := max(0, i-80), min(len(a), i+160)
	return "…" + a[from:to] + "…"
}

// demoOctoberWording checks the words of the demo's October documents (its second month): a late
// commission, the support's note on a rejected SAV that charges nothing, the mentions of a B2B
// invoice, and the overflow invoice's seller named « Prestataire ».
func demoOctoberWording(t *testing.T, bin, dir string, b *sb.Book) {
	t.Helper()
	text := func(doc string) string { return comparableText(t, bin, filepath.Join(dir, doc), false) }
	var late, rejected *sb.Statement
	for i := range b.Statements {
		s := &b.Statements[i]
		for _, c := range s.Commissions {
			if c.InterventionID == 1050 && c.Late {
				late = s
			}
		}
		for _, l := range s.SAV {
			if l.SAVID == 2014 {
				rejected = s
			}
		}
	}
	if late == nil || rejected == nil {
		t.Fatalf("October: the late commission 1050 (%v) or the rejected SAV 2014 (%v) is not booked", late != nil, rejected != nil)
	}
	var closed time.Time
	for _, c := range late.Commissions {
		if c.InterventionID == 1050 {
			closed = c.ClosedAt
		}
	}
	lt := text(invoices.StatementsDir + "/" + late.Number + ".pdf")
	for _, want := range []string{" 1050 * ",
		"* 1050 : intervention du " + frfmt.FormatDate(sb.DayIn(closed, sb.Paris)) + ", arrivée après la clôture de septembre 2026.",
		"Catégorie de l'opération : Prestations de services.",
		"pénalités au taux de trois fois le taux d'intérêt légal, et indemnité forfaitaire pour frais de recouvrement de 40,00 € (art. L441-10 du Code de commerce).",
		"Pas d'escompte pour paiement anticipé."} {
		if !strings.Contains(lt, want) {
			t.Errorf("October %s lacks « %s »: %s", late.Number, want, lt)
		}
	}
	if strings.Contains(lt, "retard)") {
		t.Errorf("October %s still says « (retard) »", late.Number)
	}
	rt := text(invoices.StatementsDir + "/" + rejected.Number + ".pdf")
	if want := "SAV 2014 — note du support : « Crevaison par un éclat de verre : pas de SAV. »"; !strings.Contains(rt, want) {
		t.Errorf("October %s lacks « %s »: %s", rejected.Number, want, rt)
	}
	for _, v := range b.Invoices {
		it := text(invoices.InvoicesDir + "/" + v.Number + ".pdf")
		if !strings.Contains(it, "Prestataire") || strings.Contains(it, "Vendeur") {
			t.Errorf("October %s does not name the network « Prestataire »: %s", v.Number, it)
		}
	}
	// R12 (a legal form, VAT on debits) and its overflow invoice; R3 (neither)
	r12, r3 := b.StatementOf(12), b.StatementOf(3)
	var inv12 *sb.Invoice
	for i := range b.Invoices {
		if v := &b.Invoices[i]; v.Repairer.ID == 12 && !v.DebitNote() {
			inv12 = v
		}
	}
	if r12 == nil || r3 == nil || inv12 == nil {
		t.Fatalf("October: R12's statement and invoice, R3's statement expected")
	}
	const legal = "SAS au capital de 20 000 €, RCS Bordeaux 842 154 445"
	st12 := text(invoices.StatementsDir + "/" + r12.Number + ".pdf")
	for _, want := range []string{"Cargo Vélo Bordelais " + legal, "Option pour le paiement de la taxe d'après les débits."} {
		if !strings.Contains(st12, want) {
			t.Errorf("October %s lacks « %s »: %s", r12.Number, want, st12)
		}
	}
	if it := text(invoices.InvoicesDir + "/" + inv12.Number + ".pdf"); !strings.Contains(it, "Cargo Vélo Bordelais "+legal) {
		t.Errorf("October %s: the buyer's legal form is missing: %s", inv12.Number, it)
	}
	if st3 := text(invoices.StatementsDir + "/" + r3.Number + ".pdf"); strings.Contains(st3, "taxe d'après les débits") {
		t.Errorf("October %s: R3 did not opt for VAT on debits: %s", r3.Number, st3)
	}
}
