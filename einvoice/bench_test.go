package einvoice

import (
	"strconv"
	"testing"
)

// BenchmarkMarshal writes the XML of a statement of 50 commission lines, each with its
// description, as the close writes one per statement, and reports its size.
func BenchmarkMarshal(b *testing.B) {
	d := standardStatement()
	d.Lines = nil
	var sum int64
	for i := range 50 {
		id := strconv.Itoa(100200 + i)
		c := int64(2000 + 13*i)
		d.Lines = append(d.Lines, Line{ID: strconv.Itoa(i + 1), Name: "Commission intervention " + id,
			Description: "2026-11-03, Saint-Étienne, 2 opérations", AmountCents: c})
		sum += c
	}
	net := sum - 2000
	vat := (net*2000 + 5000) / 10000
	d.Expect = &Expected{NetHTCents: net, VATCents: vat, NetTTCCents: net + vat, DueCents: net + vat}
	var size int
	for b.Loop() {
		x, err := Marshal(d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(x)
	}
	b.ReportMetric(float64(size), "bytes/doc")
}
