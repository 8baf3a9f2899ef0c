package reconcile

import (
	"fmt"

	sb "savbilling"
	"savbilling/money"
)

// checkRepairer returns why a repairer cannot be booked: unknown, or a VAT regime the statement
// cannot handle.
func checkRepairer(repairers map[int64]sb.Repairer, id int64, role string) *problem {
	r, ok := repairers[id]
	if !ok {
		return newProblem("créer le réparateur dans repairers ou corriger l'identifiant",
			"%s %d inconnu", role, id)
	}
	if r.Defect != nil {
		return &problem{reason: fmt.Sprintf("%s %d : %s", role, id, r.Defect.Reason), fix: r.Defect.Fix}
	}
	if !Whole.Regime(r.VATRegime) {
		return newProblem("mettre repairers.vat_regime à 'standard' ou 'franchise'",
			"régime de TVA %q du réparateur %d inconnu", r.VATRegime, id)
	}
	return nil
}

// commission validates an intervention and returns its commission line, or why it is held whole:
// the first of the checks CommissionChecks names that fails (holdChecks, whole.go).
func commission(in *sb.CloseInput, iv sb.Intervention) (sb.CommissionLine, *problem) {
	total, p := runHoldChecks(in, iv)
	if p != nil {
		return sb.CommissionLine{}, p
	}
	return sb.CommissionLine{
		InterventionID: iv.ID,
		RepairerID:     iv.RepairerID,
		Kind:           iv.Kind,
		City:           iv.City,
		ClosedAt:       iv.ClosedAt,
		Operations:     len(iv.Operations),
		Services:       Services(iv.Operations),
		AmountCents:    total,
		Late:           Whole.Late(iv.ClosedAt, in.LateBefore()),
	}, nil
}

// checkKind holds an intervention of a kind the rules do not book.
func checkKind(_ *sb.CloseInput, iv sb.Intervention) *problem {
	if !Whole.Kind(iv.Kind) {
		return newProblem("mettre interventions.kind à 'standard' ou 'sav'",
			"type d'intervention %q inconnu", iv.Kind)
	}
	return nil
}

// checkClosed holds an intervention closed before any plausible date.
func checkClosed(_ *sb.CloseInput, iv sb.Intervention) *problem {
	if !Whole.Closed(iv.ClosedAt) {
		return newProblem("corriger interventions.closed_at",
			"date de clôture improbable (%s)", iv.ClosedAt.Format("2006-01-02"))
	}
	return nil
}

// checkNegative holds an operation with a negative amount.
func checkNegative(op sb.Operation) *problem {
	if op.CommissionCents < 0 || op.PriceCents < 0 {
		return newProblem("corriger le montant de l'opération (commission et prix ≥ 0)",
			"opération %d : montant négatif (commission %s, prix %s)", op.ID, eur(op.CommissionCents), eur(op.PriceCents))
	}
	return nil
}

// checkOverflow adds op's commission to total, and holds the intervention when the sum goes
// beyond int64.
func checkOverflow(op sb.Operation, total *int64) *problem {
	sum, err := money.Add(*total, op.CommissionCents)
	if err != nil {
		return newProblem("corriger les montants des opérations",
			"opération %d : la somme des commissions dépasse la capacité (%s)", op.ID, eur(op.CommissionCents))
	}
	*total = sum
	return nil
}

// checkRow returns the first defect the store found in the intervention's row or in one of its
// operations' rows.
func checkRow(iv sb.Intervention) *problem {
	if iv.Defect != nil {
		return &problem{reason: iv.Defect.Reason, fix: iv.Defect.Fix}
	}
	for _, op := range iv.Operations {
		if op.Defect != nil {
			return &problem{reason: fmt.Sprintf("opération %d : %s", op.ID, op.Defect.Reason), fix: op.Defect.Fix}
		}
	}
	return nil
}

// checkAmounts holds an operation whose amount is beyond any plausible one.
func checkAmounts(op sb.Operation) *problem {
	if op.CommissionCents > Whole.MaxAmountCents || op.PriceCents > Whole.MaxAmountCents {
		return newProblem("corriger le montant de l'opération (en centimes d'euro)",
			"opération %d : montant improbable (commission %s, prix %s ; au plus %s)",
			op.ID, eur(op.CommissionCents), eur(op.PriceCents), eur(Whole.MaxAmountCents))
	}
	return nil
}
