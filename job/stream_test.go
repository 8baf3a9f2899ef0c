package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/invoices"
	"savbilling/reports"
	"savbilling/sample"
)

// A closed period is rendered from the ledger a batch of statements at a time (Ledger): its
// PDFs and workbook must be, byte for byte, those of the same book read whole into memory.
func TestStreamedRenderEqualsInMemory(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			// 300 repairers: more statements than one batch with their lines (see store.EachStatement).
			err := sample.Network(sample.Options{Repairers: 300, Interventions: 3000, Months: 2, Seed: 11, Last: oct},
				func(_ sb.Period, src sb.Source) error { return db.InsertSource(ctx, src) })
			if err != nil {
				t.Fatal(err)
			}
			j := newJob(t, db)
			j.Renderers = []Renderer{PDF(invoices.New(nil)), Workbook()}
			mustClose(t, j, sep)
			res := mustClose(t, j, oct)

			full := booked(t, db, oct)
			prev, err := db.LoadBookTotals(ctx, sep)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if _, err := invoices.New(nil).WriteAll(ctx, dir, full); err != nil {
				t.Fatal(err)
			}
			// with the Paiements sheet (issue 23), computed from the book in memory
			if err := reports.WriteFrom(ctx, filepath.Join(dir, reports.FileName(oct)), withPayments{reports.BookSource(full), NewLedger(full)}, &prev); err != nil {
				t.Fatal(err)
			}
			einvoices := 0 // each REL- and FAC- has its XML beside its PDF (issue 21)
			for i := range full.Statements {
				if invoices.StatementIsEInvoice(full, &full.Statements[i]) {
					einvoices++
				}
			}
			for i := range full.Invoices {
				if invoices.InvoiceIsEInvoice(full, &full.Invoices[i]) {
					einvoices++
				}
			}
			if len(res.Manifest.Files) != len(full.Statements)+len(full.Invoices)+einvoices+1 || len(full.Statements) <= 256 || einvoices == 0 {
				t.Fatalf("%d files for %d statements and %d invoices (%d e-invoices)", len(res.Manifest.Files), len(full.Statements),
					len(full.Invoices), einvoices)
			}
			for _, f := range res.Manifest.Files {
				data, err := os.ReadFile(filepath.Join(dir, f.Path))
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
					t.Errorf("%s: rendered from the ledger %s, from the book in memory %s", f.Path, f.SHA256, got)
				}
			}
			if want := NewManifest(full, full.Totals(), nil).Totals; res.Manifest.Totals != want {
				t.Errorf("manifest totals %+v, the book's %+v", res.Manifest.Totals, want)
			}
		})
	}
}
