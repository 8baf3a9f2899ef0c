package reports

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sb "savbilling"
)

// bigBook is a book of nStatements statements with savPer SAV lines each: every SAV is visited
// by the next repairer, whose statement books its commission (so its city is known for half).
func bigBook(nStatements, savPer int) *sb.Book {
	cities := []string{"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux",
		"Rennes", "Strasbourg", "Montpellier", "Nice", "Grenoble", "Dijon", "Angers", "Brest", "Tours", "Metz"}
	b := &sb.Book{Period: october, ClosedAt: closedAt, IssuedOn: issuedOn}
	b.Statements = make([]sb.Statement, nStatements)
	for i := range b.Statements {
		id := int64(i + 1)
		s := &b.Statements[i]
		s.Number = "REL-" + strconv.FormatInt(id, 10) + "-2026-0010"
		s.Repairer = party(id, "Atelier "+strconv.FormatInt(id, 10)+" & associés", sb.VATStandard)
		s.Period, s.IssuedOn, s.PaymentOn = october, issuedOn, sb.Date(2026, 11, 17)
		s.SAV = make([]sb.SAVLine, savPer)
		for k := range s.SAV {
			savID := int64(1_000_000 + i*savPer + k)
			amount := int64(1000 + (i*7+k*13)%9000)
			s.SAV[k] = sb.SAVLine{
				SAVID: savID, OriginalID: savID - 900_000, SAVRepairerID: id%int64(nStatements) + 1,
				RepairerID: id, Type: sb.LineCharge, Outcome: sb.OutcomeConfirmed,
				ChargeBP: 10000, CorrectiveCents: amount, AmountCents: amount,
			}
			s.DeductionsCents += amount
		}
		for k := 0; k < 3; k++ {
			s.Commissions = append(s.Commissions, sb.CommissionLine{
				InterventionID: int64(5_000_000 + i*3 + k), RepairerID: id, Kind: sb.KindStandard,
				City: cities[(i+k)%len(cities)], ClosedAt: at(2026, 10, 10, 10), Operations: 2, AmountCents: 40000,
			})
			s.GrossCents += 40000
		}
		// the commissions of the SAVs this repairer visited (those of the previous repairer), half of them
		if i > 0 {
			for k := 0; k < savPer; k += 2 {
				s.Commissions = append(s.Commissions, sb.CommissionLine{
					InterventionID: int64(1_000_000 + (i-1)*savPer + k), RepairerID: id, Kind: sb.KindSAV,
					City: cities[(i+k)%len(cities)], ClosedAt: at(2026, 10, 12, 10), Operations: 2, AmountCents: 3000,
				})
				s.GrossCents += 3000
			}
		}
		s.AvailableCents = s.GrossCents - s.DeductionsCents
		s.NetHTCents, s.VATRateBP = s.AvailableCents, 2000
		s.VATCents = s.NetHTCents / 5
		s.NetTTCCents = s.NetHTCents + s.VATCents
	}
	return b
}

// peakSampler samples the Go heap in use while a step runs, and the live heap (as the last GC
// marked it), which depends less on when the collector runs.
type peakSampler struct {
	peak atomic.Uint64
	live atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func startSampler() *peakSampler {
	p := &peakSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var ms runtime.MemStats
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if v := ms.HeapInuse + ms.StackInuse; v > p.peak.Load() {
				p.peak.Store(v)
			}
			metrics.Read(live)
			if v := live[0].Value.Uint64(); v > p.live.Load() {
				p.live.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// Stop ends the sampling and returns the peaks of the heap in use and of the live heap.
func (p *peakSampler) Stop() (inuse, live uint64) {
	close(p.stop)
	<-p.done
	return p.peak.Load(), p.live.Load()
}

// procStatusKB reads a field of /proc/self/status (VmRSS, VmHWM), in kB; 0 when unavailable.
func procStatusKB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			v, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return v
		}
	}
	return 0
}

// BenchmarkWrite200kSAV writes a workbook of 200 000 SAV lines over 20 000 statements. It reports
// SAV rows per second, the peak Go heap during the write and the process's peak RSS (VmHWM,
// which includes the book built before; run the test binary under /usr/bin/time -v for the
// whole process's maximum resident set).
func BenchmarkWrite200kSAV(b *testing.B) { benchWrite(b, 20_000, 10) }

// BenchmarkWriteL writes the workbook of a month of workload L: 20 000 statements and 60 000 SAV
// lines (the commission lines are not in the workbook).
func BenchmarkWriteL(b *testing.B) { benchWrite(b, 20_000, 3) }

// BenchmarkWriteS writes the workbook of a month of workload S: 2 000 statements, 6 000 SAV lines.
func BenchmarkWriteS(b *testing.B) { benchWrite(b, 2_000, 3) }

func benchWrite(b *testing.B, statements, perStatement int) {
	book := bigBook(statements, perStatement)
	dir := b.TempDir()
	runtime.GC()
	rssBefore := procStatusKB("VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapInuse + ms.StackInuse
	b.ResetTimer()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	liveBefore := live[0].Value.Uint64()
	var peakHeap, peakLive uint64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		s := startSampler()
		if err := Write(filepath.Join(dir, FileName(book.Period)), book, nil); err != nil {
			b.Fatal(err)
		}
		inuse, live := s.Stop()
		peakHeap, peakLive = max(peakHeap, inuse), max(peakLive, live)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	fi, err := os.Stat(filepath.Join(dir, FileName(book.Period)))
	if err != nil {
		b.Fatal(err)
	}
	rows := float64((statements + statements*perStatement) * b.N)
	b.ReportMetric(float64(statements*perStatement*b.N)/elapsed.Seconds(), "SAVrows/s")
	b.ReportMetric(rows/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	// the heap the write adds to the book's
	b.ReportMetric(float64(peakHeap-min(peakHeap, heapBefore))/(1<<20), "write-heap-MB")
	// the live heap the write adds to the book's (the GC's view: about half the heap in use)
	b.ReportMetric(float64(peakLive-min(peakLive, liveBefore))/(1<<20), "write-live-MB")
	b.ReportMetric(rssBefore/1024, "RSS-before-MB")
	b.ReportMetric(procStatusKB("VmHWM")/1024, "peak-RSS-MB")
	b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
}
