package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"time"

	sb "savbilling"
)

// fingerprintQueries are what LedgerFingerprint hashes, in this order, for period ? (one
// argument each). The definition is frozen: manifests record its result (ledger_sha256), and a
// render compares it with theirs, so any change to these queries must be written under a new
// manifest key.
var fingerprintQueries = []string{
	// the close itself: its bounds, its instant (to the second), its issue date and issuer
	"SELECT period, start_utc, end_utc, closed_at, issued_on, issuer_json FROM sb_periods WHERE period = ?",
	// every statement: its number and totals (which sum its commission, SAV and installment lines)
	`SELECT number, repairer_id, commission_lines, gross_cents, deductions_cents, overflow_cents, available_cents,
		installments_cents, net_ht_cents, vat_cents, net_ttc_cents, spread_cents, invoiced_cents, invoice_number
		FROM sb_statements WHERE period = ? ORDER BY repairer_id`,
	// every invoice: its number and amounts
	"SELECT number, repairer_id, ht_cents, vat_cents, ttc_cents FROM sb_invoices WHERE period = ? ORDER BY number",
	// the period's other money, row by row (a sum could overflow: amounts are only checked
	// when they are added up for a document)
	"SELECT sav_id, repairer_id, type, amount_cents FROM sb_sav_lines WHERE period = ? ORDER BY sav_id, repairer_id, type",
	"SELECT sav_id, claim_cents FROM sb_claims WHERE period = ? ORDER BY sav_id",
	"SELECT credit_id, amount_cents FROM sb_goodwill WHERE period = ? ORDER BY credit_id",
	"SELECT plan_id, paid_cents FROM sb_installments WHERE period = ? ORDER BY plan_id",
	// and what it listed, counted
	"SELECT COUNT(*) FROM sb_anomalies WHERE period = ?",
	"SELECT COUNT(*) FROM sb_pending WHERE period = ?",
}

// LedgerFingerprint returns the SHA-256 (hex) of what closed period p booked: the close's row,
// every statement's number and totals, every invoice's number and amounts, every SAV line's,
// claim's, credit's and installment's key and amount, and the number of its anomalies and
// pending SAVs. A period's outputs
// record it in their manifest (ledger_sha256) so that a run whose ledger differs (another
// database, one restored from before the close) never replaces them.
//
// It reads a few rows per statement, not the commission lines: each statement's totals and line
// count sum its lines, and they are written by the same transaction, never changed after. At
// workload L (20 000 statements, a million commission lines) it reads ~20 000 statements and
// ~31 000 SAV lines.
func (d *DB) LedgerFingerprint(ctx context.Context, p sb.Period) (string, error) {
	h := sha256.New()
	h.Write([]byte("savbilling ledger v1\n"))
	for i, q := range fingerprintQueries {
		n, err := d.hashRows(ctx, h, q, p.String())
		if err != nil {
			return "", fmt.Errorf("fingerprint of %s's ledger: %w", p, err)
		}
		if i == 0 && n == 0 {
			return "", fmt.Errorf("fingerprint of %s's ledger: %w", p, ErrNotClosed)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashRows writes every value of query's rows into h, each row on its own line, and returns the
// number of rows.
func (d *DB) hashRows(ctx context.Context, h hash.Hash, query string, args ...any) (int, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var buf []byte
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		buf = buf[:0]
		for i, v := range vals {
			if i > 0 {
				buf = append(buf, '\x1f')
			}
			buf = appendValue(buf, v)
		}
		buf = append(buf, '\n')
		h.Write(buf)
		n++
	}
	return n, rows.Err()
}

// appendValue appends v, as the driver scanned it, in a form that does not depend on the driver's
// choice between text and numbers: an integer, a time and its text are written the same.
func appendValue(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "NULL"...)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case float64:
		return strconv.AppendFloat(buf, x, 'g', -1, 64)
	case []byte:
		return append(buf, x...)
	case string:
		return append(buf, x...)
	case time.Time:
		return x.UTC().AppendFormat(buf, "2006-01-02 15:04:05")
	case bool:
		return strconv.AppendBool(buf, x)
	}
	return fmt.Append(buf, v)
}
