package job

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sb "savbilling"
	"savbilling/einvoice/einvoicetest"
	"savbilling/internal/dbtest"
	"savbilling/invoices"
	"savbilling/sample"
	"savbilling/store"
)

// einvoiceCases are the cases an e-invoice of a period can show, counted over the documents
// validated, so that the test says which it covered.
type einvoiceCases map[string]int

func (c einvoiceCases) statement(s *sb.Statement) {
	if s.Account {
		return
	}
	c["REL-"]++
	if s.VATRateBP == 0 {
		c["franchise (E, VATEX-FR-FRANCHISE)"]++
	} else {
		c["standard (S 20 %)"]++
	}
	if s.ReductionsCents > 0 {
		c["reductions as allowances"]++
	}
	if s.ReductionsCents < 0 {
		c["net refund of reductions as a line"]++
	}
	if s.InstallmentsReductionCents() > 0 {
		c["installments, reduction part"]++
	}
	if s.NetTTCCents > s.PayableCents {
		c["indemnities set off (BT-113)"]++
	}
	if s.PayableCents > s.NetTTCCents {
		c["indemnities refunded beside the invoice"]++
	}
	for _, l := range s.SAV {
		if l.Type == sb.LineAdjustment || l.Type == sb.LineIndemnityAdjustment {
			c["adjustments"]++
			break
		}
	}
}

// closeAll closes each month of steps for real (after a dry run of it, whose drafts must carry no
// e-invoice), and copies every REL- and FAC- PDF and e-invoice XML into into, after checking
// the manifest: each REL-/FAC- has its einvoices/<number>.xml listed, the XML embedded in its
// PDF is the same bytes, and no RDC-/NDD- has one.
func closeAll(t *testing.T, j *Job, db *store.DB, steps []sample.Step, into string, cases einvoiceCases) {
	t.Helper()
	for _, st := range steps {
		closeStep(t, j, db, st, into, cases)
	}
}

// closeStep is closeAll of one step.
func closeStep(t *testing.T, j *Job, db *store.DB, st sample.Step, into string, cases einvoiceCases) {
	t.Helper()
	ctx := context.Background()
	{
		insertDemo(t, db, st)
		dry := dryRunApart(ctx, t, j, st.Period, now)
		for _, f := range dry.Manifest.Files {
			if strings.HasPrefix(f.Path, invoices.EInvoiceDir+"/") {
				t.Errorf("dry run %s wrote an e-invoice: %s", st.Period, f.Path)
			}
		}
		if _, err := os.Stat(filepath.Join(dry.Dir, invoices.EInvoiceDir)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dry run %s: einvoices/ exists (%v)", st.Period, err)
		}
		res := mustClose(t, j, st.Period)
		b := booked(t, db, st.Period)
		if b.EInvoiceVersion != sb.EInvoiceV1 {
			t.Errorf("%s: einvoice_version %d booked, want %d", st.Period, b.EInvoiceVersion, sb.EInvoiceV1)
		}
		listed := map[string]bool{}
		for _, f := range res.Manifest.Files {
			listed[f.Path] = true
		}
		var want []string // the e-invoices the period must have issued
		for i := range b.Statements {
			s := &b.Statements[i]
			if strings.HasPrefix(s.Number, "REL-") {
				want = append(want, s.Number)
				cases.statement(s)
			} else if listed[invoices.EInvoicePath(s.Number)] {
				t.Errorf("%s: statement of account %s has an e-invoice", st.Period, s.Number)
			}
		}
		for _, v := range b.Invoices {
			if v.DebitNote() {
				if listed[invoices.EInvoicePath(v.Number)] {
					t.Errorf("%s: debit note %s has an e-invoice", st.Period, v.Number)
				}
				cases["NDD- (no XML)"]++
				continue
			}
			want = append(want, v.Number)
			cases["FAC-"]++
		}
		var got []string
		for p := range listed {
			if n, ok := strings.CutPrefix(p, invoices.EInvoiceDir+"/"); ok {
				got = append(got, strings.TrimSuffix(n, ".xml"))
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s: e-invoices listed %q, want the REL- and FAC- %q", st.Period, got, want)
		}
		for _, n := range want {
			pdf := filepath.Join(res.Dir, invoices.StatementsDir, n+".pdf")
			if strings.HasPrefix(n, "FAC-") {
				pdf = filepath.Join(res.Dir, invoices.InvoicesDir, n+".pdf")
			}
			x, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(invoices.EInvoicePath(n))))
			if err != nil {
				t.Fatal(err)
			}
			p, err := os.ReadFile(pdf)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(p, []byte("/AFRelationship /Data")) || !bytes.Contains(p, []byte("pdfaid:part>3<")) {
				t.Errorf("%s is not a Factur-X PDF/A-3", pdf)
			}
			for _, f := range []struct {
				name string
				data []byte
			}{{n + ".xml", x}, {n + ".pdf", p}} {
				if err := os.WriteFile(filepath.Join(into, f.name), f.data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// Every REL- statement and FAC- invoice of a real close is a Factur-X PDF/A-3 with its XML, also
// written alone as einvoices/<number>.xml and listed in the manifest; RDC- and NDD- have none,
// nor do the drafts of a dry run. Every one of the demo's three months and of a generated
// network (the demo: franchise, standard, adjustments, refunds, damage, installments,
// invoices; the network: hundreds more) passes the third-party validators: XSD, EN 16931 and
// BR-FR Schematron, PDF/A-3 + Factur-X container.
func TestEveryEInvoiceOfAClosePassesTheValidators(t *testing.T) {
	einvoicetest.NeedValidators(t)
	for i, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			cases := einvoiceCases{}

			t.Run("demo", func(t *testing.T) {
				db := dbtest.Open(t, e)
				j := newJob(t, db)
				j.Renderers = []Renderer{PDF(invoices.New(nil))}
				closeAll(t, j, db, sample.Demo(sep), dir, cases)
			})
			t.Run("network", func(t *testing.T) { // a generated network, in a database of its own
				db := dbtest.Open(t, dbtest.Engines(t)[i])
				j := newJob(t, db)
				j.Renderers = []Renderer{PDF(invoices.New(nil))}
				err := sample.Network(sample.Options{Repairers: 40, Interventions: 1500, Months: 3, Seed: 21, Last: nov},
					func(p sb.Period, src sb.Source) error { // src is the generator's: used before it returns
						closeStep(t, j, db, sample.Step{Period: p, Insert: src}, dir, cases)
						return nil
					})
				if err != nil {
					t.Fatal(err)
				}
			})
			t.Logf("cases validated: %v", cases)
			for _, c := range []string{"REL-", "FAC-", "franchise (E, VATEX-FR-FRANCHISE)", "standard (S 20 %)",
				"reductions as allowances", "net refund of reductions as a line", "installments, reduction part",
				"indemnities set off (BT-113)", "adjustments"} {
				if cases[c] == 0 {
					t.Errorf("no e-invoice of the case %q validated", c)
				}
			}
			out, ok := einvoicetest.Validate(t, dir)
			if !ok {
				t.Errorf("validators:\n%s", strings.Join(einvoicetest.Failures(out), "\n"))
			}
		})
	}
}

// A repairer whose identity cannot make an e-invoice (here: no SIRET) is held at each close that
// would issue them a REL-: nothing of theirs booked (their interventions, the SAV charging them),
// no number taken; once the SIRET is filled in, the next close books all of it, late lines
// included, under their first number. Through the store on both engines (the close sums the
// interventions in the database: a held repairer's must stay out of the sums).
func TestHeldIdentityIsBookedAtTheNextCloseAfterTheFix(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			ctx := context.Background()
			siret := sample.WorkedExample().Repairers[0].SIRET
			if len(siret) != 14 {
				t.Fatalf("SIRET of repairer 1: %q", siret)
			}
			if err := db.Exec(ctx, "UPDATE repairers SET siret = '' WHERE id = 1"); err != nil {
				t.Fatal(err)
			}
			for _, p := range []sb.Period{sep, oct} {
				mustClose(t, j, p)
				b := booked(t, db, p)
				if s := b.StatementOf(1); s != nil {
					t.Fatalf("%s: repairer 1 booked without SIRET: %s", p, s.Number)
				}
				held := false
				for _, a := range b.Anomalies {
					held = held || (a.Item == "réparateur 1" && a.Blocking && strings.Contains(a.Reason, "SIRET absent") &&
						strings.Contains(a.Fix, "repairers.siret"))
				}
				if !held {
					t.Errorf("%s: no hold of repairer 1 among %+v", p, b.Anomalies)
				}
			}
			if s := booked(t, db, oct).StatementOf(2); s == nil || s.GrossCents != 6500 || len(s.SAV) != 0 {
				t.Errorf("October: repairer 2 is paid for the SAV visit, nothing charged: %+v", s)
			}
			if err := db.Exec(ctx, "UPDATE repairers SET siret = ? WHERE id = 1", siret); err != nil {
				t.Fatal(err)
			}
			mustClose(t, j, nov)
			nov := booked(t, db, nov)
			s := nov.StatementOf(1)
			if s == nil || s.Number != "REL-1-2026-0001" || s.GrossCents != 5000+4000+5500+3000 || len(s.SAV) != 1 ||
				s.SAV[0].SAVID != 201 || s.SAV[0].AmountCents != 4500 {
				t.Fatalf("November: repairer 1's statement %+v", s)
			}
			for _, a := range nov.Anomalies {
				if a.Blocking {
					t.Errorf("November: %+v", a)
				}
			}
		})
	}
}

// A period closed before e-invoices (sb_periods.einvoice_version 0) never gets them: render
// writes its REL- as the plain PDF it issued, and no einvoices/. Were its marker wrong, the
// manifest still rules: a missing statement is not rewritten with Factur-X bytes (refused), the
// XML the period never issued is not written, the manifest is left as it is.
func TestPeriodClosedBeforeEInvoicesNeverGetsThem(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			j.Renderers = []Renderer{PDF(invoices.New(nil))}
			ctx := context.Background()
			mustClose(t, j, sep)
			res := mustClose(t, j, oct)
			rel := filepath.Join(res.Dir, invoices.StatementsDir, "REL-1-2026-0002.pdf")
			if _, err := os.Stat(filepath.Join(res.Dir, invoices.EInvoiceDir, "REL-1-2026-0002.xml")); err != nil {
				t.Fatalf("October closed by this version has no e-invoice: %v", err)
			}

			// October as an older version closed it: no marker, its documents plain.
			if err := db.Exec(ctx, "UPDATE sb_periods SET einvoice_version = 0 WHERE period = '2026-10'"); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(res.Dir); err != nil {
				t.Fatal(err)
			}
			r, err := j.Render(ctx, oct)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			for _, f := range r.Manifest.Files {
				if strings.HasPrefix(f.Path, invoices.EInvoiceDir+"/") {
					t.Errorf("a period closed before e-invoices got %s", f.Path)
				}
			}
			plain, err := os.ReadFile(rel)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(plain, []byte("factur-x.xml")) || bytes.Contains(plain, []byte("pdfaid")) {
				t.Errorf("%s is a Factur-X PDF", rel)
			}
			manifest, err := os.ReadFile(filepath.Join(res.Dir, ManifestFile))
			if err != nil {
				t.Fatal(err)
			}

			// A wrong marker: the manifest records what was issued.
			if err := db.Exec(ctx, "UPDATE sb_periods SET einvoice_version = 1 WHERE period = '2026-10'"); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(rel); err != nil {
				t.Fatal(err)
			}
			r, err = j.Render(ctx, oct)
			if !errors.Is(err, ErrNotReproduced) || r == nil || len(r.Restore.Refused) != 1 ||
				!strings.HasPrefix(r.Restore.Refused[0], "statements/REL-1-2026-0002.pdf") {
				t.Fatalf("render with Factur-X bytes for a plain statement: %v, %+v", err, r)
			}
			if _, err := os.Stat(rel); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the missing statement was written with other bytes (%v)", err)
			}
			if _, err := os.Stat(filepath.Join(res.Dir, invoices.EInvoiceDir)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("einvoices/ written for a period that issued none (%v)", err)
			}
			if !slices.Contains(r.Restore.Skipped, "einvoices/REL-1-2026-0002.xml") {
				t.Errorf("skipped %q", r.Restore.Skipped)
			}
			if got, _ := os.ReadFile(filepath.Join(res.Dir, ManifestFile)); !bytes.Equal(got, manifest) {
				t.Errorf("the manifest was rewritten")
			}

			// The marker right again: the statement comes back with the bytes it was issued with.
			if err := db.Exec(ctx, "UPDATE sb_periods SET einvoice_version = 0 WHERE period = '2026-10'"); err != nil {
				t.Fatal(err)
			}
			if r, err = j.Render(ctx, oct); err != nil || !slices.Contains(r.Restore.Restored, "statements/REL-1-2026-0002.pdf") {
				t.Fatalf("render: %v, %+v", err, r)
			}
			if got, _ := os.ReadFile(rel); !bytes.Equal(got, plain) {
				t.Errorf("restored with other bytes")
			}
		})
	}
}
