package bank

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkRender10000 writes a file of 10 000 transfers on 4 dates.
func BenchmarkRender10000(b *testing.B) {
	m := sample()
	base := m.Transfers[1]
	m.Transfers = nil
	for i := 0; i < 10000; i++ {
		t := base
		t.Ref = fmt.Sprintf("REL-%d-2026-0010", i+1)
		t.ExecutionDate = time.Date(2026, 11, 10+i%4, 0, 0, 0, 0, time.UTC)
		t.Creditor.Name = fmt.Sprintf("Atelier Vélo Nguyễn %d", i)
		m.Transfers = append(m.Transfers, t)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(m); err != nil {
			b.Fatal(err)
		}
	}
}
