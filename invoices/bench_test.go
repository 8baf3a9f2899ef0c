package invoices

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	sb "savbilling"
)

// benchBook is a month of n repairers, each with lines commissions and two SAV lines; every
// tenth repairer has a spread plan. With lines = 25 a statement is one page.
func benchBook(n, lines int, unicode bool) *sb.Book {
	return benchBookNamed(n, lines, unicode, false)
}

// benchBookNamed is benchBook, with scripts the names in Arabic, Hebrew and Chinese (the
// fallback font, shaping and right to left, issue 17).
func benchBookNamed(n, lines int, unicode, scripts bool) *sb.Book {
	b := book()
	for i := range n {
		s := stR1()
		s.Repairer.ID = int64(1000 + i)
		s.Number = fmt.Sprintf("REL-%d-2026-0010", s.Repairer.ID)
		s.Repairer.Name = fmt.Sprintf("Atelier Vélo n° %d — Frédéric Lœwy", i)
		if unicode {
			s.Repairer.Name = fmt.Sprintf("Łukasz Wróbel n° %d", i)
		}
		if scripts {
			s.Repairer.Name = fmt.Sprintf("ورشة الدراجات %d 北京自行车 אופניים", i)
		}
		s.Commissions = nil
		var g int64
		for j := range lines {
			c := commission(int64(100000+i*lines+j), s.Repairer.ID, 1+j%31, "Saint-Étienne", 1+j%3, int64(2000+j*13))
			s.Commissions = append(s.Commissions, c)
			g += c.AmountCents
		}
		s.SAV = damageLines()
		s.SAV[1].Type, s.SAV[1].DamageCents, s.SAV[1].AmountCents = sb.LineSettlement, 8000, 8000
		s.GrossCents, s.DeductionsCents = g, 12500
		s.AvailableCents = g - 12500
		s.NetHTCents = s.AvailableCents
		s.VATCents = (s.NetHTCents*2000 + 5000) / 10000
		s.NetTTCCents = s.NetHTCents + s.VATCents
		b.Statements = append(b.Statements, s)
		if i%10 == 0 {
			b.Plans = append(b.Plans, sb.Plan{ID: sb.PlanID(s.Repairer.ID, sb.MustPeriod("2026-08")),
				RepairerID: s.Repairer.ID, CreatedIn: sb.MustPeriod("2026-08"), Months: 3, TotalCents: 9000, PaidCents: 6000})
		}
	}
	return b
}

// withServices gives every commission line of b services as the demo's: one to four labels of
// its catalogue, over one to three lines of their cell.
func withServices(b *sb.Book) {
	labels := []string{"Changement de chaîne", "Réglage des freins", "Remplacement plaquettes de frein",
		"Dévoilage de roue", "Purge freins hydrauliques", "Changement câbles et gaines", "Frais de déplacement"}
	for i := range b.Statements {
		for j := range b.Statements[i].Commissions {
			c := &b.Statements[i].Commissions[j]
			var parts []string
			for k := range 1 + j%4 {
				parts = append(parts, labels[(j+3*k)%len(labels)])
			}
			c.Services = strings.Join(parts, ", ")
		}
	}
}

// pageCount is the number of pages of every statement of b.
func pageCount(tb testing.TB, r *Renderer, b *sb.Book, embedFonts bool) int {
	n := 0
	for i := range b.Statements {
		_, m, err := r.build(b, func(m measurer) *doc { return r.layoutStatement(m, b, &b.Statements[i]) }, embedFonts)
		if err != nil {
			tb.Fatal(err)
		}
		n += len(m.pages)
	}
	return n
}

// BenchmarkRenderStatements renders N statements one after the other on one goroutine, core
// font (and the UTF-8 font for 1page-utf8, with the fallback font, Arabic and Hebrew for
// 1page-scripts; 2pages is workload L's statement of ~50 commission lines; -facturx: the same
// statement as a Factur-X PDF/A-3 with its CII XML, printed with the embedded DejaVu Sans;
// -services: its lines with services, issue 19 point 6), and
// reports pages per second, milliseconds per page (wall), CPU milliseconds per page
// (user + system time of the process, the garbage collector's included: steadier than the wall
// time on a shared machine) and bytes per file.
func BenchmarkRenderStatements(b *testing.B) {
	for _, c := range []struct {
		name             string
		lines            int
		unicode, scripts bool
		facturX          bool
	}{{"1page", 12, false, false, false}, {"2pages", 50, false, false, false}, {"3pages", 90, false, false, false},
		{"1page-utf8", 12, true, false, false}, {"1page-scripts", 12, true, true, false},
		{"1page-facturx", 12, false, false, true}, {"2pages-facturx", 50, false, false, true},
		{"2pages-services", 50, false, false, false}, {"2pages-services-facturx", 50, false, false, true}} {
		b.Run(c.name, func(b *testing.B) {
			const n = 50
			r := New(nil)
			bk := benchBookNamed(n, c.lines, c.unicode, c.scripts)
			if strings.Contains(c.name, "-services") {
				withServices(bk)
			}
			pagesPer := pageCount(b, r, bk, c.facturX)
			var xmls [][]byte
			if c.facturX {
				for i := range bk.Statements {
					xmls = append(xmls, eStatement(b, bk, &bk.Statements[i]))
				}
			}
			var size int64
			var buf bytes.Buffer
			b.ResetTimer()
			cpu0 := cpuTime()
			for b.Loop() {
				size = 0
				for i := range bk.Statements {
					buf.Reset()
					var err error
					if c.facturX {
						err = r.FacturXStatement(&buf, bk, &bk.Statements[i], xmls[i])
					} else {
						err = r.Statement(&buf, bk, &bk.Statements[i])
					}
					if err != nil {
						b.Fatal(err)
					}
					size += int64(buf.Len())
				}
			}
			cpu := cpuTime() - cpu0
			sec := b.Elapsed().Seconds()
			pagesTotal := float64(pagesPer) * float64(b.N)
			b.ReportMetric(pagesTotal/sec, "pages/s")
			b.ReportMetric(sec*1000/pagesTotal, "ms/page")
			if cpu > 0 {
				b.ReportMetric(cpu.Seconds()*1000/pagesTotal, "cpu-ms/page")
			}
			b.ReportMetric(float64(size)/n, "bytes/file")
			b.ReportMetric(float64(pagesPer)/n, "pages/file")
		})
	}
}

// BenchmarkWriteAll writes N statements to disk with WriteAll's worker pool (GOMAXPROCS workers).
func BenchmarkWriteAll(b *testing.B) {
	const n = 200
	r := New(nil)
	bk := benchBook(n, 12, false)
	pagesPer := pageCount(b, r, bk, false)
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
	var size int64
	for _, f := range files {
		size += f.Bytes
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(pagesPer)*float64(b.N)/sec, "pages/s")
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()*1000/(float64(pagesPer)*float64(b.N)), "cpu-ms/page")
	}
	b.ReportMetric(float64(size)/n, "bytes/file")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "workers")
}
