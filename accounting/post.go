package accounting

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Line is one line of an entry: an account (with the repairer's auxiliary account when the
// account is a third party's), a label, and an amount on one side, in cents.
type Line struct {
	Account  Account
	Repairer *Repairer // nil: no auxiliary account
	Lib      string
	Debit    int64
	Credit   int64
}

// Entry is one balanced journal entry (one EcritureNum). Num is 0 until Number assigns it.
type Entry struct {
	Journal   Journal
	Num       int
	Date      time.Time // EcritureDate: the period's last day
	PieceRef  string
	PieceDate time.Time
	Lines     []Line
}

// balanced reports whether the entry's debits equal its credits.
func (e Entry) balanced() bool {
	var d, c int64
	for _, l := range e.Lines {
		d += l.Debit
		c += l.Credit
	}
	return d == c
}

// entryBuilder collects the lines of one entry, leaving out zero amounts and writing a negative
// amount on the other side.
type entryBuilder struct{ e Entry }

func (b *entryBuilder) debit(a Account, r *Repairer, lib string, amount int64) {
	switch {
	case amount > 0:
		b.e.Lines = append(b.e.Lines, Line{Account: a, Repairer: r, Lib: lib, Debit: amount})
	case amount < 0:
		b.e.Lines = append(b.e.Lines, Line{Account: a, Repairer: r, Lib: lib, Credit: -amount})
	}
}

func (b *entryBuilder) credit(a Account, r *Repairer, lib string, amount int64) {
	b.debit(a, r, lib, -amount)
}

// Post turns a period's booked documents into journal entries (not numbered yet), following
// the scheme of docs/accounting.md. It is pure. Order: à-nouveaux (by repairer, kind,
// reference), then for each statement (by repairer id) its purchase entry, set-offs and plan,
// then the invoices and the debit notes in number order; Number keeps that order within each
// journal. The invoices and debit notes must bill exactly the overflow of the statements that
// say it was invoiced. It returns an
// error naming the statement when the figures are inconsistent, and never an unbalanced entry.
// Long on purpose: the entries are numbered in one pass, in the order above, which reads as the
// scheme of docs/accounting.md does; each entry is built by its own function.
func Post(p Period, cfg Config) ([]Entry, error) {
	if p.LastDay.IsZero() || p.Validated.IsZero() {
		return nil, errors.New("accounting: the period's last day and the close's date are required")
	}
	a, j := cfg.Accounts, cfg.Journals
	var out []Entry
	start := func(jn Journal, ref string, date time.Time) *entryBuilder {
		return &entryBuilder{e: Entry{Journal: jn, Date: p.LastDay, PieceRef: ref, PieceDate: date}}
	}
	flush := func(b *entryBuilder) {
		// debit lines first, then credit lines, each in the scheme's order
		side := func(l Line) int {
			if l.Debit > 0 {
				return 0
			}
			return 1
		}
		slices.SortStableFunc(b.e.Lines, func(x, y Line) int { return cmp.Compare(side(x), side(y)) })
		if len(b.e.Lines) > 0 {
			out = append(out, b.e)
		}
	}

	opening := slices.Clone(p.Opening)
	slices.SortStableFunc(opening, func(x, y Opening) int {
		return cmp.Or(cmp.Compare(x.Repairer.ID, y.Repairer.ID), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Ref, y.Ref))
	})
	for _, o := range opening {
		if o.Ref == "" || o.Date.IsZero() || o.Repairer.ID <= 0 || o.Amount < 0 || !inRange(o.Amount) {
			return nil, fmt.Errorf("accounting: opening balance %q of repairer %d: reference, date, repairer and a non-negative amount are required", o.Ref, o.Repairer.ID)
		}
		r := o.Repairer
		b := start(j.Opening, o.Ref, o.Date)
		switch o.Kind {
		case OpeningPlan:
			b.debit(a.PlanReceivable, &r, "À-nouveau échéancier "+r.Name, o.Amount)
		case OpeningInvoice:
			b.debit(a.Receivable, &r, "À-nouveau facture "+o.Ref+" "+r.Name, o.Amount)
		case OpeningDebitNote:
			b.debit(a.DebitNoteReceivable, &r, "À-nouveau note de débit "+o.Ref+" "+r.Name, o.Amount)
		default:
			return nil, fmt.Errorf("accounting: opening balance %q: unknown kind %d", o.Ref, o.Kind)
		}
		b.credit(a.OpeningBalance, nil, "À-nouveau "+o.Ref, o.Amount)
		flush(b)
	}

	// what the period's documents bill of its overflow, per repairer and kind, to match the
	// statements' overflow
	docs := slices.Clone(p.Documents)
	slices.SortStableFunc(docs, func(x, y Document) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Number, y.Number))
	})
	type repKind struct {
		id   int64
		kind DocKind
	}
	billed := map[repKind]int64{}
	for _, d := range docs {
		if err := d.check(); err != nil {
			return nil, fmt.Errorf("accounting: %w", err)
		}
		billed[repKind{d.Repairer.ID, d.Kind}] += d.OverflowHT
	}

	sts := slices.Clone(p.Statements)
	slices.SortStableFunc(sts, func(x, y Statement) int {
		return cmp.Or(cmp.Compare(x.Repairer.ID, y.Repairer.ID), cmp.Compare(x.Number, y.Number))
	})
	for _, s := range sts {
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("accounting: %w", err)
		}
		wantR, wantM := int64(0), int64(0)
		if s.OverflowInvoiced {
			wantR, wantM = s.ReductionOverflow, s.IndemnityOverflow
		}
		if got := billed[repKind{s.Repairer.ID, KindInvoice}]; got != wantR {
			return nil, fmt.Errorf("accounting: statement %s: the period's invoices bill %d of overflow to repairer %d, the statement %d", s.Number, got, s.Repairer.ID, wantR)
		}
		if got := billed[repKind{s.Repairer.ID, KindDebitNote}]; got != wantM {
			return nil, fmt.Errorf("accounting: statement %s: the period's debit notes bill %d of overflow to repairer %d, the statement %d", s.Number, got, s.Repairer.ID, wantM)
		}
		delete(billed, repKind{s.Repairer.ID, KindInvoice})
		delete(billed, repKind{s.Repairer.ID, KindDebitNote})
		r := s.Repairer
		name := r.Name
		// the self-billed invoice (or statement of account) seen from the network: a purchase
		rApplied := s.Reductions - s.ReductionOverflow
		b := start(j.Purchases, s.Number, s.Date)
		b.debit(a.Purchases, nil, "Commissions "+name, s.Commissions)
		b.credit(a.PurchaseReductions, nil, "SAV imputés "+name, rApplied)
		b.credit(a.PlanReceivable, &r, "Échéances prélevées (réductions) "+name, s.InstallmentReductions)
		b.debit(a.VATDeductible, nil, "TVA déductible "+name, s.VAT)
		b.credit(a.Payable, &r, "Net TTC "+s.Number+" "+name, s.NetTTC)
		flush(b)

		// indemnities set off against what the network owes
		b = start(j.Misc, s.Number, s.Date)
		mApplied := s.Indemnities - s.IndemnityOverflow
		b.debit(a.Payable, &r, "Indemnités compensées "+name, mApplied)
		b.credit(a.IndemnityIncome, nil, "Indemnités de dommages "+name, mApplied)
		flush(b)

		// installments of earlier plans taken from the payable (indemnity part)
		b = start(j.Misc, s.Number, s.Date)
		b.debit(a.Payable, &r, "Échéances prélevées (indemnités) "+name, s.InstallmentIndemnities)
		b.credit(a.PlanReceivable, &r, "Échéances prélevées (indemnités) "+name, s.InstallmentIndemnities)
		flush(b)

		// the overflow, when not invoiced, goes on the plan the close created
		if !s.OverflowInvoiced {
			plan := strings.TrimSpace("Mis en échéancier " + s.PlanID)
			b = start(j.Misc, s.Number, s.Date)
			b.debit(a.PlanReceivable, &r, plan+" (réductions) "+name, s.ReductionOverflow)
			b.credit(a.PurchaseReductions, nil, "SAV imputés mis en échéancier "+name, s.ReductionOverflow)
			b.debit(a.PlanReceivable, &r, plan+" (indemnités) "+name, s.IndemnityOverflow)
			b.credit(a.IndemnityIncome, nil, "Indemnités mises en échéancier "+name, s.IndemnityOverflow)
			flush(b)
		}
	}
	for k, v := range billed {
		if v != 0 {
			return nil, fmt.Errorf("accounting: repairer %d: the period's documents bill %d of overflow without a statement overflowing", k.id, v)
		}
	}

	// the network's invoices (FAC-, in number order), then its debit notes (NDD-)
	for _, d := range docs {
		r := d.Repairer
		b := start(j.Sales, d.Number, d.Date)
		if d.Kind == KindInvoice {
			b.debit(a.Receivable, &r, "Facture "+d.Number+" "+r.Name, d.OverflowHT+d.PlanBalanceHT+d.VAT)
			b.credit(a.ReinvoicedCosts, nil, "Coûts SAV refacturés "+r.Name, d.OverflowHT)
			b.credit(a.PlanReceivable, &r, "Solde d'échéancier facturé "+r.Name, d.PlanBalanceHT)
			b.credit(a.VATCollected, nil, "TVA collectée "+d.Number, d.VAT)
		} else {
			b.debit(a.DebitNoteReceivable, &r, "Note de débit "+d.Number+" "+r.Name, d.OverflowHT+d.PlanBalanceHT)
			b.credit(a.IndemnityIncome, nil, "Indemnités de dommages "+r.Name, d.OverflowHT)
			b.credit(a.PlanReceivable, &r, "Solde d'échéancier en note de débit "+r.Name, d.PlanBalanceHT)
		}
		flush(b)
	}

	for _, e := range out {
		if !e.balanced() {
			return nil, fmt.Errorf("accounting: entry %s %s does not balance (a bug of the posting scheme)", e.Journal.Code, e.PieceRef)
		}
	}
	return out, nil
}

// Number numbers the entries continuously per journal, in the order given, after the last
// numbers already used in the fiscal year of the entries (last: journal code → last EcritureNum
// of that fiscal year, absent or 0 for a new fiscal year). It returns the numbered entries,
// grouped by journal in the order opening, purchases, sales, misc (the file's order), and the
// new last numbers, which the ledger keeps for the next period of the same fiscal year.
func Number(entries []Entry, cfg Config, last map[string]int) ([]Entry, map[string]int) {
	next := map[string]int{}
	for k, v := range last {
		next[k] = v
	}
	rank := map[string]int{cfg.Journals.Opening.Code: 0, cfg.Journals.Purchases.Code: 1, cfg.Journals.Sales.Code: 2, cfg.Journals.Misc.Code: 3}
	out := slices.Clone(entries)
	slices.SortStableFunc(out, func(x, y Entry) int { return cmp.Compare(rank[x.Journal.Code], rank[y.Journal.Code]) })
	for i := range out {
		next[out[i].Journal.Code]++
		out[i].Num = next[out[i].Journal.Code]
	}
	return out, next
}
