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
	if r.VATRegime != sb.VATStandard && r.VATRegime != sb.VATFranchise {
		return newProblem("mettre repairers.vat_regime à 'standard' ou 'franchise'",
			"régime de TVA %q du réparateur %d inconnu", r.VATRegime, id)
	}
	return nil
}

// commission validates an intervention and returns its commission line, or why it is held whole.
func commission(in *sb.CloseInput, iv sb.Intervention) (sb.CommissionLine, *problem) {
	if p := checkRow(iv); p != nil {
		return sb.CommissionLine{}, p
	}
	if p := checkRepairer(in.Repairers, iv.RepairerID, "réparateur"); p != nil {
		return sb.CommissionLine{}, p
	}
	if iv.Kind != sb.KindStandard && iv.Kind != sb.KindSAV {
		return sb.CommissionLine{}, newProblem("mettre interventions.kind à 'standard' ou 'sav'",
			"type d'intervention %q inconnu", iv.Kind)
	}
	if iv.ClosedAt.Before(sb.EarliestDate) {
		return sb.CommissionLine{}, newProblem("corriger interventions.closed_at",
			"date de clôture improbable (%s)", iv.ClosedAt.Format("2006-01-02"))
	}
	var total int64
	for _, op := range iv.Operations {
		if p := checkAmounts(op); p != nil {
			return sb.CommissionLine{}, p
		}
		if op.CommissionCents < 0 || op.PriceCents < 0 {
			return sb.CommissionLine{}, newProblem("corriger le montant de l'opération (commission et prix ≥ 0)",
				"opération %d : montant négatif (commission %s, prix %s)", op.ID, eur(op.CommissionCents), eur(op.PriceCents))
		}
		var err error
		if total, err = money.Add(total, op.CommissionCents); err != nil {
			return sb.CommissionLine{}, newProblem("corriger les montants des opérations",
				"opération %d : la somme des commissions dépasse la capacité (%s)", op.ID, eur(op.CommissionCents))
		}
	}
	if p := bookedElsewhere(in, iv); p != nil {
		return sb.CommissionLine{}, p
	}
	return sb.CommissionLine{
		InterventionID: iv.ID,
		RepairerID:     iv.RepairerID,
		Kind:           iv.Kind,
		City:           iv.City,
		ClosedAt:       iv.ClosedAt,
		Operations:     len(iv.Operations),
		AmountCents:    total,
		Late:           !in.LateBefore().IsZero() && iv.ClosedAt.Before(in.LateBefore()),
	}, nil
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
	if op.CommissionCents > sb.MaxAmountCents || op.PriceCents > sb.MaxAmountCents {
		return newProblem("corriger le montant de l'opération (en centimes d'euro)",
			"opération %d : montant improbable (commission %s, prix %s ; au plus %s)",
			op.ID, eur(op.CommissionCents), eur(op.PriceCents), eur(sb.MaxAmountCents))
	}
	return nil
}
