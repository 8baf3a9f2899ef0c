package reconcile

import (
	"fmt"
	"slices"
	"time"

	sb "savbilling"
	"savbilling/money"
)

// assessment is what a SAV decision implies: the lines charged, the insurance claim, and the
// state the ledger keeps of it.
type assessment struct {
	lines    []sb.SAVLine // charge, then settlement or deductible
	claim    *sb.Claim
	state    sb.SAVState
	warnings []problem
	faulty   int64
}

// byRepairer sums the assessment's lines per repairer.
func (a assessment) byRepairer() map[int64]int64 {
	m := map[int64]int64{}
	for _, l := range a.lines {
		m[l.RepairerID] += l.AmountCents
	}
	return m
}

// assess applies the SAV rules of the rulebook to one SAV with a decision. It returns why the
// charge cannot be computed or attributed, if it cannot.
func assess(in *sb.CloseInput, c sb.SAVCase) (assessment, *problem) {
	sav, d := c.SAV, c.Decision
	if p := checkRow(sav); p != nil {
		return assessment{}, p
	}
	if d.Defect != nil {
		return assessment{}, &problem{reason: "décision : " + d.Defect.Reason, fix: d.Defect.Fix}
	}
	if p := checkOriginal(sav, c.Original); p != nil {
		return assessment{}, p
	}
	if p := checkDecision(d); p != nil {
		return assessment{}, p
	}
	corrective, relatedPrice, p := correctiveSums(sav.Operations)
	if p != nil {
		return assessment{}, p
	}
	if charges(d.Outcome) && corrective == 0 {
		return assessment{}, newProblem("marquer sav_related = 1 sur les opérations correctives et leur déplacement",
			"décision %q sans opération corrective (sav_related = 1)", d.Outcome)
	}

	faulty := d.FaultyRepairerID
	if faulty == 0 {
		faulty = c.Original.RepairerID
	}
	if p := checkRepairer(in.Repairers, faulty, "réparateur fautif"); p != nil {
		return assessment{}, p
	}

	a := assessment{faulty: faulty, state: sb.SAVState{
		SAVID: sav.ID, Outcome: d.Outcome, ChargeBP: d.ChargeBP, FaultyRepairerID: d.FaultyRepairerID,
		DamageCents: d.DamageCents, DecidedAt: d.DecidedAt, CorrectiveCents: corrective,
		RelatedPriceCents: relatedPrice, FirstPeriod: in.Period, LastPeriod: in.Period,
	}}
	line, p := chargeLine(c, faulty, corrective)
	if p != nil {
		return assessment{}, p
	}
	a.lines = append(a.lines, line)
	if d.DamageCents > 0 {
		if p := a.damage(in, c, line); p != nil {
			return assessment{}, p
		}
	}

	window := time.Duration(in.Rules.ClaimWindowDays) * 24 * time.Hour
	if sav.ClosedAt.Sub(c.Original.ClosedAt) > window {
		a.warnings = append(a.warnings, problem{
			reason: "intervention d'origine clôturée plus de " + itoa(in.Rules.ClaimWindowDays) + " jours avant le SAV (hors délai de réclamation)",
			fix:    "vérifier que le SAV relève bien de cette intervention ; imputé quand même",
		})
	}
	return a, nil
}

// charges reports whether a decision of outcome charges the faulty repairer.
func charges(outcome string) bool {
	return outcome == sb.OutcomeConfirmed || outcome == sb.OutcomePartial
}

// checkDecision refuses a decision whose outcome, share or damage the rules cannot apply.
func checkDecision(d *sb.Decision) *problem {
	switch d.Outcome {
	case sb.OutcomeConfirmed, sb.OutcomeUnconfirmed, sb.OutcomeRejected:
	case sb.OutcomePartial:
		if d.ChargeBP < 1 || d.ChargeBP > 9999 {
			return newProblem("mettre sav_decisions.charge_bp entre 1 et 9999 (points de base)",
				"part prise en charge %d hors de 1..9999 sur une décision partielle", d.ChargeBP)
		}
	default:
		return newProblem("mettre sav_decisions.outcome à confirmed, partial, unconfirmed ou rejected",
			"décision %q inconnue", d.Outcome)
	}
	if d.DamageCents < 0 {
		return newProblem("corriger sav_decisions.damage_cents (≥ 0)", "dommage négatif (%s)", eur(d.DamageCents))
	}
	if d.DamageCents > 0 && !charges(d.Outcome) {
		return newProblem("retirer le dommage ou changer la décision",
			"dommage de %s sur une décision %q, qui n'impute rien", eur(d.DamageCents), d.Outcome)
	}
	if d.DamageCents > sb.MaxAmountCents {
		return newProblem("corriger sav_decisions.damage_cents (en centimes d'euro)",
			"dommage improbable (%s ; au plus %s)", eur(d.DamageCents), eur(sb.MaxAmountCents))
	}
	return nil
}

// correctiveSums are the commissions (corrective) and prices of the SAV's operations marked
// sav_related, every operation's amounts checked.
func correctiveSums(ops []sb.Operation) (corrective, relatedPrice int64, p *problem) {
	for _, op := range ops {
		if p := checkAmounts(op); p != nil {
			return 0, 0, p
		}
		if op.CommissionCents < 0 || op.PriceCents < 0 {
			return 0, 0, newProblem("corriger le montant de l'opération (commission et prix ≥ 0)",
				"opération %d : montant négatif", op.ID)
		}
		if !op.SAVRelated {
			continue
		}
		var err1, err2 error
		corrective, err1 = money.Add(corrective, op.CommissionCents)
		relatedPrice, err2 = money.Add(relatedPrice, op.PriceCents)
		if err1 != nil || err2 != nil {
			return 0, 0, newProblem("corriger les montants des opérations", "opération %d : somme hors capacité", op.ID)
		}
	}
	return corrective, relatedPrice, nil
}

// chargeLine is the SAV's charge to the faulty repairer: the corrective amount, its share for a
// partial decision, nothing (a line "not charged") for the others.
func chargeLine(c sb.SAVCase, faulty, corrective int64) (sb.SAVLine, *problem) {
	sav, d := c.SAV, c.Decision
	line := sb.SAVLine{SAVID: sav.ID, OriginalID: sav.OriginalID, SAVRepairerID: sav.RepairerID, City: sav.City,
		RepairerID: faulty, Type: sb.LineCharge, Outcome: d.Outcome, CorrectiveCents: corrective, Note: d.Note,
		SAVDay: parisDay(sav.ClosedAt), OriginalDay: parisDay(c.Original.ClosedAt), OriginalCity: c.Original.City}
	switch d.Outcome {
	case sb.OutcomeUnconfirmed, sb.OutcomeRejected:
		line.Type = sb.LineNotCharged
	case sb.OutcomeConfirmed:
		line.ChargeBP = 10000
		line.AmountCents = corrective
	case sb.OutcomePartial:
		line.ChargeBP = d.ChargeBP
		share, err := money.Share(corrective, d.ChargeBP)
		if err != nil {
			return line, newProblem("corriger les montants des opérations", "part hors capacité")
		}
		line.AmountCents = share
	}
	return line, nil
}

// damage adds the customer's damage to a: a settlement up to the deductible of the repairer's
// policy (its own RC Pro, else the network's umbrella), or the deductible and a claim for the rest.
func (a *assessment) damage(in *sb.CloseInput, c sb.SAVCase, line sb.SAVLine) *problem {
	d, faulty := c.Decision, a.faulty
	deductible, policy := in.Rules.UmbrellaDeductibleCents, sb.PolicyUmbrella
	if own := in.Repairers[faulty].DeductibleCents; own != nil {
		if *own < 0 || *own > sb.MaxAmountCents {
			return newProblem("corriger repairers.rc_pro_deductible_cents (≥ 0, ou NULL pour la RC Pro chapeau)",
				"franchise RC Pro du réparateur %d improbable (%s)", faulty, eur(*own))
		}
		deductible, policy = *own, sb.PolicyOwn
	}
	dl := line
	dl.DamageCents, dl.Policy, dl.DeductibleCents = d.DamageCents, policy, deductible
	if d.DamageCents <= deductible {
		dl.Type, dl.AmountCents = sb.LineSettlement, d.DamageCents
	} else {
		dl.Type, dl.AmountCents = sb.LineDeductible, deductible
		a.claim = &sb.Claim{SAVID: c.SAV.ID, RepairerID: faulty, Policy: policy, DamageCents: d.DamageCents,
			DeductibleCents: deductible, ClaimCents: d.DamageCents - deductible}
	}
	a.lines = append(a.lines, dl)
	return nil
}

// parisDay is the Paris day of t, YYYY-MM-DD ("" for the zero time).
func parisDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sb.Paris).Format(time.DateOnly)
}

// checkOriginal says why the SAV's original intervention cannot carry a charge.
func checkOriginal(sav sb.Intervention, orig *sb.Intervention) *problem {
	switch {
	case sav.OriginalID == 0:
		return newProblem("renseigner interventions.original_intervention_id du SAV", "SAV sans intervention d'origine")
	case sav.OriginalID == sav.ID:
		return newProblem("corriger interventions.original_intervention_id", "le SAV désigne lui-même comme intervention d'origine")
	case orig == nil:
		return newProblem("corriger interventions.original_intervention_id",
			"intervention d'origine %d inexistante", sav.OriginalID)
	case orig.Defect != nil:
		return &problem{reason: fmt.Sprintf("intervention d'origine %d : %s", orig.ID, orig.Defect.Reason), fix: orig.Defect.Fix}
	case orig.Kind != sb.KindStandard:
		return newProblem("désigner l'intervention d'origine du premier travail (et le réparateur fautif si besoin)",
			"l'intervention d'origine %d est de type %q, pas une intervention standard", orig.ID, orig.Kind)
	case orig.Status != sb.StatusClosed || orig.ClosedAt.IsZero():
		return newProblem("vérifier l'intervention d'origine : elle doit être clôturée",
			"intervention d'origine %d au statut %q", orig.ID, orig.Status)
	case orig.ClosedAt.After(sav.ClosedAt):
		return newProblem("vérifier original_intervention_id : l'origine doit précéder le SAV",
			"intervention d'origine %d clôturée après le SAV", orig.ID)
	}
	return nil
}

// adjust compares what a changed decision now implies with what the ledger booked for that SAV
// and returns the adjustment lines (per repairer, ascending id; for each, the reduction's
// « ajustement » then the indemnity's « ajustement indemnité ») and claim difference. What was
// booked is taken per kind (bookedByKind).
func adjust(in *sb.CloseInput, c sb.SAVCase, a assessment) ([]sb.SAVLine, *sb.Claim, *problem) {
	impliedR, impliedM := map[int64]int64{}, map[int64]int64{}
	for _, l := range a.lines {
		if l.Type.Indemnity() {
			impliedM[l.RepairerID] += l.AmountCents
		} else {
			impliedR[l.RepairerID] += l.AmountCents
		}
	}
	bookedR, bookedM := bookedByKind(c)
	seen := map[int64]bool{}
	var ids []int64
	for _, m := range []map[int64]int64{impliedR, impliedM, bookedR, bookedM} {
		for id := range m {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	charge := a.lines[0]
	var lines []sb.SAVLine
	for _, id := range ids {
		for _, k := range []struct {
			tp           sb.SAVLineType
			diff, damage int64
		}{
			{sb.LineAdjustment, impliedR[id] - bookedR[id], c.Decision.DamageCents},
			{sb.LineIndemnityAdjustment, impliedM[id] - bookedM[id], c.Decision.DamageCents},
		} {
			if k.diff == 0 {
				continue
			}
			if p := checkRepairer(in.Repairers, id, "réparateur à ajuster"); p != nil {
				return nil, nil, p
			}
			l := charge
			l.RepairerID, l.Type, l.AmountCents, l.DamageCents = id, k.tp, k.diff, k.damage
			// what it revises, so that the line explains itself
			ind := k.tp == sb.LineIndemnityAdjustment
			l.BeforeBookedCents = bookedR[id]
			if ind {
				l.BeforeBookedCents = bookedM[id]
			}
			if b := c.Booked; b != nil {
				l.BeforeOutcome, l.BeforeChargeBP, l.BeforeDamageCents = b.Outcome, b.ChargeBP, b.DamageCents
				if b.Outcome == sb.OutcomeConfirmed {
					l.BeforeChargeBP = 10000
				}
			}
			l.EarlierStatement = c.BookedStatement[sb.BookedKind{RepairerID: id, Indemnity: ind}]
			if l.EarlierStatement == "" { // nothing of this kind booked: where the SAV was
				l.EarlierStatement = c.BookedStatement[sb.BookedKind{RepairerID: id, Indemnity: !ind}]
			}
			if ind && len(a.lines) > 1 { // the damage's policy and deductible as the decision now implies them
				l.Policy, l.DeductibleCents = a.lines[1].Policy, a.lines[1].DeductibleCents
			}
			lines = append(lines, l)
		}
	}
	var claim *sb.Claim
	var now int64
	policy := c.BookedClaimPolicy
	if a.claim != nil {
		now, policy = a.claim.ClaimCents, a.claim.Policy
	}
	if diff := now - c.BookedClaimCents; diff != 0 {
		claim = &sb.Claim{SAVID: c.SAV.ID, RepairerID: a.faulty, Policy: policy, DamageCents: c.Decision.DamageCents,
			ClaimCents: diff, Adjustment: true}
		if a.claim != nil {
			claim.DeductibleCents = a.claim.DeductibleCents
		}
	}
	return lines, claim, nil
}

// bookedByKind splits what the ledger booked for a changed SAV, per repairer, into reductions and
// indemnities. Lines booked under the rules v2 count by their type. What closes under the rules
// v1 booked (every line then a reduction) is split by recomputing what the decision they last
// booked implied (domain.md, rule 4), never from the lines' types: its corrective charge, to its
// faulty repairer, is the reduction part; the rest of what v1 booked to that repairer is the
// damage's settlement or deductible, an indemnity. What v1 booked to another repairer (its
// decision implied nothing for them, so nothing remains unless a booking was held) stays a
// reduction.
func bookedByKind(c sb.SAVCase) (reductions, indemnities map[int64]int64) {
	reductions, indemnities = map[int64]int64{}, map[int64]int64{}
	for id, amt := range c.BookedByRepairer {
		m := c.BookedIndemnityByRepairer[id]
		v1 := c.BookedV1ByRepairer[id]
		reductions[id] += amt - m - v1
		indemnities[id] += m
	}
	if len(c.BookedV1ByRepairer) == 0 {
		return reductions, indemnities
	}
	var v1Charge int64
	v1Faulty := int64(0)
	if c.Booked != nil && c.Booked.V1 != nil {
		d := c.Booked.V1
		v1Faulty = d.FaultyRepairerID
		if v1Faulty == 0 && c.Original != nil {
			v1Faulty = c.Original.RepairerID
		}
		switch d.Outcome {
		case sb.OutcomeConfirmed:
			v1Charge = d.CorrectiveCents
		case sb.OutcomePartial:
			v1Charge, _ = money.Share(d.CorrectiveCents, d.ChargeBP) // fitted in v1
		}
	}
	for id, v1 := range c.BookedV1ByRepairer {
		if id == v1Faulty && v1Faulty != 0 {
			red := min(v1Charge, v1)
			reductions[id] += red
			indemnities[id] += v1 - red
			continue
		}
		reductions[id] += v1
	}
	return reductions, indemnities
}
