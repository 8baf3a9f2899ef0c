package invoices

import (
	"bytes"
	"context"
	"strings"
	"testing"

	sb "savbilling"
)

// benchBookV2 is benchBook closed under the rules v2: each statement's corrective charge a
// reduction, its settlement an indemnity set off after VAT. explain fills what the lines need
// to explain themselves (days, original's city, policy and deductible, and an adjustment's
// decision before and earlier statement on one line in three).
func benchBookV2(n, lines int, explain bool) *sb.Book {
	b := benchBook(n, lines, false)
	b.RulesVersion = sb.RulesV2
	for i := range b.Statements {
		s := &b.Statements[i]
		s.ReductionsCents, s.IndemnitiesCents = 4500, 8000
		s.AvailableCents = s.GrossCents - 4500
		s.NetHTCents = s.AvailableCents
		s.VATCents = (s.NetHTCents*2000 + 5000) / 10000
		s.NetTTCCents = s.NetHTCents + s.VATCents
		s.PayableCents = s.NetTTCCents - 8000
		if explain {
			benchExplained(s.SAV, i)
		}
	}
	return b
}

// BenchmarkRenderStatementsV2 renders 50 statements of the rules v2 (one page and two pages),
// with the SAV lines explained in words (issue 19); run on the code before issue 19, where the
// same book prints its older notes, it gives the cost of the explanations.
func BenchmarkRenderStatementsV2(b *testing.B) {
	for _, c := range []struct {
		name  string
		lines int
	}{{"1page", 12}, {"2pages", 50}} {
		b.Run(c.name, func(b *testing.B) {
			r := New(nil)
			bk := benchBookV2(50, c.lines, true)
			var buf bytes.Buffer
			for b.Loop() {
				for i := range bk.Statements {
					buf.Reset()
					if err := r.Statement(&buf, bk, &bk.Statements[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkWriteAllFacturX is the close's pdf stage in memory: WriteAll of 200 statements of
// ~50 lines (workload S's) of a period closed with e-invoices, each a Factur-X PDF/A-3 and its
// CII XML built from the ledger, on GOMAXPROCS workers, written to disk; it reports statements
// per second, the CPU milliseconds per statement (the process's, garbage collector included)
// and the bytes of a statement's PDF and of its XML.
func BenchmarkWriteAllFacturX(b *testing.B) {
	const n = 200
	r := New(nil)
	bk := closedV1(benchBookV2(n, 50, false))
	dir := b.TempDir()
	var files []File
	cpu0 := cpuTime()
	for b.Loop() {
		var err error
		if files, err = r.WriteAll(context.Background(), dir, bk); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime() - cpu0
	var pdf, xml, nx int64
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.Path, ".xml"):
			xml += f.Bytes
			nx++
		case strings.HasPrefix(f.Path, StatementsDir+"/"):
			pdf += f.Bytes
		}
	}
	if nx != n {
		b.Fatalf("%d e-invoices written, want %d", nx, n)
	}
	docs := float64(n) * float64(b.N)
	b.ReportMetric(docs/b.Elapsed().Seconds(), "statements/s")
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()*1000/docs, "cpu-ms/statement")
	}
	b.ReportMetric(float64(pdf)/n, "pdf-bytes/statement")
	b.ReportMetric(float64(xml)/n, "xml-bytes/statement")
}
