package invoices

import (
	"bytes"
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
