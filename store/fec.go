package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	sb "savbilling"
)

// FECNumbers is what the ledger keeps of a period's accounting file (issue 23, migration 50):
// the fiscal year of its entries (its first month, YYYY-MM), whether it is the first accounting
// file the job wrote (it then opens with the balances carried from before), and per journal code
// the last EcritureNum used before the period in that fiscal year (Prev) and after it (Last).
// The close writes it in its transaction; `render` reads it to number the entries the same way.
type FECNumbers struct {
	FiscalYear string
	Opening    bool
	Prev       map[string]int
	Last       map[string]int
}

// AnyFEC reports whether some closed period already has its accounting file's numbering: when
// none has, the next one is the first accounting file the job writes.
func (tx *Tx) AnyFEC(ctx context.Context) (bool, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sb_fec_periods").Scan(&n); err != nil {
		return false, fmt.Errorf("read sb_fec_periods: %w", err)
	}
	return n > 0, nil
}

// FECLastNumbers returns, per journal code, the last EcritureNum the accounting files of fiscal
// year fy (its first month, YYYY-MM) used so far (none: the fiscal year starts at 1).
func (tx *Tx) FECLastNumbers(ctx context.Context, fy string) (map[string]int, error) {
	out := map[string]int{}
	err := each(ctx, tx.tx, "sb_fec_numbers", `SELECT n.journal, MAX(n.last_num) FROM sb_fec_numbers n
		JOIN sb_fec_periods f ON f.period = n.period WHERE f.fiscal_year = ? GROUP BY n.journal`, []any{fy},
		func(rows *sql.Rows) error {
			var j string
			var last int
			if err := rows.Scan(&j, &last); err != nil {
				return err
			}
			out[j] = last
			return nil
		})
	return out, err
}

// SaveFECNumbers records period p's accounting numbering, in the close's transaction.
func (tx *Tx) SaveFECNumbers(ctx context.Context, p sb.Period, n FECNumbers) error {
	if _, err := tx.tx.ExecContext(ctx, "INSERT INTO sb_fec_periods (period, fiscal_year, opening) VALUES (?, ?, ?)",
		p.String(), n.FiscalYear, boolInt(n.Opening)); err != nil {
		return booked(p, fmt.Errorf("insert into sb_fec_periods: %w", err))
	}
	journals := make([]string, 0, len(n.Last))
	for j := range n.Last {
		journals = append(journals, j)
	}
	slices.Sort(journals)
	for _, j := range journals {
		if _, err := tx.tx.ExecContext(ctx, "INSERT INTO sb_fec_numbers (period, journal, prev_num, last_num) VALUES (?, ?, ?, ?)",
			p.String(), j, n.Prev[j], n.Last[j]); err != nil {
			return booked(p, fmt.Errorf("insert into sb_fec_numbers: %w", err))
		}
	}
	return nil
}

// LoadFECNumbers returns closed period p's accounting numbering; ok is false for a period closed
// before the accounting file existed (it never gets one).
func (d *DB) LoadFECNumbers(ctx context.Context, p sb.Period) (n FECNumbers, ok bool, err error) {
	err = d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		var opening int
		err := tx.tx.QueryRowContext(ctx, "SELECT fiscal_year, opening FROM sb_fec_periods WHERE period = ?", p.String()).
			Scan(&n.FiscalYear, &opening)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read sb_fec_periods: %w", err)
		}
		ok, n.Opening = true, opening != 0
		n.Prev, n.Last = map[string]int{}, map[string]int{}
		return each(ctx, tx.tx, "sb_fec_numbers", "SELECT journal, prev_num, last_num FROM sb_fec_numbers WHERE period = ?",
			[]any{p.String()}, func(rows *sql.Rows) error {
				var j string
				var prev, last int
				if err := rows.Scan(&j, &prev, &last); err != nil {
					return err
				}
				n.Prev[j], n.Last[j] = prev, last
				return nil
			})
	})
	return n, ok, err
}

// The kinds of OpenBalance.
const (
	OpenPlan      = "plan"
	OpenInvoice   = "invoice"
	OpenDebitNote = "debit note"
)

// OpenBalance is a balance carried from before a period (« à-nouveau »): a plan created before it,
// not closed before it, with its balance at the start of the period; or an invoice or a debit note
// of an earlier period, for its whole amount (the ledger does not know what was paid).
type OpenBalance struct {
	RepairerID  int64
	Name        string // the repairer's name on the document (a plan: on the statement that created it)
	Kind        string // OpenPlan, OpenInvoice or OpenDebitNote
	Ref         string // the plan id or the document number
	Date        time.Time
	AmountCents int64
}

// OpenBalances returns the balances carried from before period p, read from the ledger of the
// periods before it only (which never change), by repairer, kind and reference.
func (tx *Tx) OpenBalances(ctx context.Context, p sb.Period) ([]OpenBalance, error) {
	var out []OpenBalance
	ps := p.String()
	err := each(ctx, tx.tx, "sb_plans", `SELECT pl.id, pl.repairer_id, COALESCE(s.name, ''), s.issued_on,
		pl.total_cents - COALESCE((SELECT SUM(i.paid_cents) FROM sb_installments i WHERE i.plan_id = pl.id AND i.period < ?), 0)
		FROM sb_plans pl LEFT JOIN sb_statements s ON s.repairer_id = pl.repairer_id AND s.period = pl.created_period
		WHERE pl.created_period < ? AND (pl.closed_period IS NULL OR pl.closed_period >= ?)
		ORDER BY pl.repairer_id, pl.id`, []any{ps, ps, ps},
		balances(OpenPlan, &out))
	if err != nil {
		return nil, err
	}
	for _, d := range []struct{ kind, table, amount string }{
		{OpenInvoice, "sb_invoices", "ttc_cents"}, {OpenDebitNote, "sb_debit_notes", "ht_cents"},
	} {
		err := each(ctx, tx.tx, d.table, `SELECT number, repairer_id, name, issued_on, `+d.amount+` FROM `+d.table+`
			WHERE period < ? ORDER BY repairer_id, number`, []any{ps},
			balances(d.kind, &out))
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OpenBalances is Tx.OpenBalances in a read transaction of its own.
func (d *DB) OpenBalances(ctx context.Context, p sb.Period) ([]OpenBalance, error) {
	var out []OpenBalance
	err := d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		out, err = tx.OpenBalances(ctx, p)
		return err
	})
	return out, err
}

// balances scans rows of (reference, repairer, name, date, amount) into out as open balances of
// kind, those above zero only.
func balances(kind string, out *[]OpenBalance) func(rows *sql.Rows) error {
	return func(rows *sql.Rows) error {
		o := OpenBalance{Kind: kind}
		var date nullTime
		if err := rows.Scan(&o.Ref, &o.RepairerID, &o.Name, &date, &o.AmountCents); err != nil {
			return err
		}
		o.Date = date.Time
		if o.AmountCents > 0 {
			*out = append(*out, o)
		}
		return nil
	}
}
