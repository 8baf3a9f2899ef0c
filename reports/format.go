package reports

import (
	"strings"

	sb "savbilling"
	"savbilling/frfmt"
)

// euroText writes cents the French way for text cells, as the documents do: « 1 234,56 € ».
func euroText(cents int64) string { return frfmt.FormatEUR(cents) }

// decisionLabel prints a decision's outcome in French, or the raw value when unknown.
func decisionLabel(outcome string) string {
	switch outcome {
	case sb.OutcomeConfirmed:
		return "Prise en charge totale"
	case sb.OutcomePartial:
		return "Prise en charge partielle"
	case sb.OutcomeUnconfirmed:
		return "SAV non confirmé"
	case sb.OutcomeRejected:
		return "Pas de SAV"
	}
	return outcome
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

// planStatus is ouvert, soldé or facturé.
func planStatus(p sb.Plan) string {
	switch {
	case p.Open():
		return "ouvert"
	case p.InvoicedCents > 0:
		return "facturé"
	default:
		return "soldé"
	}
}

// invoiceLinesText describes the items of an invoice on one line.
func invoiceLinesText(inv sb.Invoice) string {
	parts := make([]string, 0, len(inv.Lines))
	for _, l := range inv.Lines {
		var what string
		switch l.Kind {
		case sb.InvoiceOverflow:
			what = "Dépassement SAV " + inv.Period.String()
			if inv.DebitNote() {
				what = "Indemnités non compensées " + inv.Period.String()
			}
		case sb.InvoicePlanBalance:
			what = "Solde de l'échéancier " + l.PlanID
			if inv.DebitNote() {
				what = "Solde d'indemnités de l'échéancier " + l.PlanID
			}
		default:
			what = l.Kind
		}
		parts = append(parts, what+" : "+euroText(l.AmountCents))
	}
	return strings.Join(parts, " ; ")
}
