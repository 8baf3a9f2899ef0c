package accounting

import (
	"fmt"
	"testing"
)

// BenchmarkFEC10000 posts, numbers and writes the FEC of 10 000 statements (the damage variant
// of the worked example for each: 4 entries, 8 lines).
func BenchmarkFEC10000(b *testing.B) {
	cfg := DefaultConfig()
	p := Period{LastDay: oct31, Validated: nov1}
	for i := int64(1); i <= 10000; i++ {
		s := damageR1()
		s.Repairer = Repairer{ID: i, Name: fmt.Sprintf("Réparateur %d", i)}
		s.Number = fmt.Sprintf("REL-%d-2026-0010", i)
		p.Statements = append(p.Statements, s)
	}
	b.ReportAllocs()
	for b.Loop() {
		es, err := Post(p, cfg)
		if err != nil {
			b.Fatal(err)
		}
		numbered, _ := Number(es, cfg, nil)
		if _, err := Render(numbered, cfg, nov1); err != nil {
			b.Fatal(err)
		}
	}
}
