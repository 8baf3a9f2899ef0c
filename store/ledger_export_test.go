package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	sb "savbilling"
)

// LedgerTable is a ledger table as ledger.go declares it: its columns, the number of values its
// row function gives, and the columns its scan reads (nil: the store does not scan it whole).
type LedgerTable struct {
	Name   string
	Cols   []string
	Values int
	Read   []string
}

// LedgerTables lists the tables ledger.go declares.
func LedgerTables() []LedgerTable {
	const p = "2026-10"
	v1 := [4]any{}
	return []LedgerTable{
		{"sb_periods", periodCols, len(periodRow(sb.Period{Year: 2026, Month: time.October}, time.Time{}, time.Time{}, "{}", 1, 0)), nil},
		{"sb_commissions", commissionCols, len(commissionRow(p, &sb.CommissionLine{})), split(commissionRead)},
		{"sb_sav_lines", savLineColumns, len(savLineRow(p, &sb.SAVLine{})), split(savLineCols(""))},
		{"sb_installments", installmentCols, len(installmentRow(p, &sb.InstallmentLine{})), installmentCols.without("period")},
		{"sb_statements", statementCols, len(statementRow(p, &sb.Statement{})), split(statementRead)},
		{"sb_invoices", invoiceCols, len(invoiceRow(p, &sb.Invoice{})), split(invoiceRead)},
		{"sb_debit_notes", debitNoteCols, len(debitNoteRow(p, &sb.Invoice{})), nil},
		{"sb_invoice_lines", invoiceLineCols("invoice_number"), len(invoiceLineRow(&invoiceLine{})), nil},
		{"sb_debit_note_lines", invoiceLineCols("note_number"), len(invoiceLineRow(&invoiceLine{})), nil},
		{"sb_plans", planCols, len(planRow(p, &sb.Plan{})), nil},
		{"sb_claims", claimCols, len(claimRow(p, &sb.Claim{})), claimCols.without("period")},
		{"sb_goodwill", goodwillCols, len(goodwillRow(p, &sb.Goodwill{})), goodwillCols.without("period")},
		{"sb_anomalies", anomalyCols, len(anomalyRow(p, 1, &sb.Anomaly{})), anomalyCols.without("period", "seq")},
		{"sb_pending", pendingCols, len(pendingRow(p, &sb.PendingSAV{})), pendingCols.without("period")},
		{"sb_sav_state", savStateCols, len(savStateRow(p, &sb.SAVState{}, v1)), nil},
		{"sb_operations", operationCols, 2, nil},
	}
}

// split reads back a list of columns.list("").
func split(list string) []string { return strings.Split(list, ", ") }

// TableColumns returns the columns of table as the database has them, in their order.
func (d *DB) TableColumns(ctx context.Context, table string) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT * FROM "+table+" WHERE 1 = 0")
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	return rows.Columns()
}
