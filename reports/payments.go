package reports

import (
	"context"
	"time"

	sb "savbilling"
)

// SheetPayments is the sheet of the statements' payment (issue 23), written after the contract's
// sheets when the Source says how the period is paid (PaymentsSource).
const SheetPayments = "Paiements"

// Payment is one statement's row of the Paiements sheet: what the network pays and whether the
// period's transfer file pays it, with every reason when it does not (bank.Split decides).
type Payment struct {
	RepairerID   int64
	Name         string
	Statement    string    // the statement's number; blank in a draft
	PaymentOn    time.Time // the statement's payment date: the transfer's requested execution date
	PayableCents int64     // the « Net à payer »
	IBAN, BIC    string    // as the ledger froze them
	Paid         bool      // in the transfer file
	File         string    // the transfer file's path in the period's folder, when Paid and not a draft
	Reasons      string    // why not paid by the file (bank.Unpaid.Labels)
	Detail       string    // the problems' sentences, naming the value at fault and the fix
}

// PaymentsSource is a Source that also gives the Paiements sheet's rows, one per statement in the
// statements' order. ok false: the period has no such sheet (closed before the transfer file
// existed: its workbook stays as it was issued).
type PaymentsSource interface {
	Payments(ctx context.Context) (rows []Payment, ok bool, err error)
}

// BookSource is the Source of a book held whole in memory (what Write reads), for a caller that
// adds the payments (PaymentsSource) to it: WriteFrom then gives Write's bytes and the sheet.
func BookSource(b *sb.Book) Source { return bookSource{b} }

func paymentsTable(rows []Payment) *table {
	return &table{
		sheet: SheetPayments,
		cols: []column{
			{"ID réparateur", kID, false},
			{"Réparateur", kText, false},
			{"N° relevé", kText, false},
			{"Date de paiement", kDate, false},
			{"Net à payer", kMoney, true},
			{"IBAN", kText, false},
			{"BIC", kText, false},
			{"Payé par virement", kText, false},
			{"Motif", kText, false},
			{"Détail", kText, false},
			{"Fichier de virement", kText, false},
		},
		rows: indexed(len(rows), func(i int, r []any) {
			p := rows[i]
			paid := "non"
			if p.Paid {
				paid = "oui"
			}
			r[0], r[1], r[2], r[3], r[4] = p.RepairerID, p.Name, p.Statement, p.PaymentOn, p.PayableCents
			r[5], r[6], r[7], r[8], r[9], r[10] = p.IBAN, p.BIC, paid, p.Reasons, p.Detail, p.File
		}),
		wrap: []int{9},
	}
}
