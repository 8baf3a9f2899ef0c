package invoices

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/money"
)

// explainSAV says in words what each SAV line of a statement of the rules v2 books (domain.md
// « What a document explains »): per SAV, what happened (the SAV and its original intervention,
// days and cities, the decision and its share), then one sentence per line (the corrective
// charge, nothing charged and why, the damage with its policy, deductible and claim, an
// adjustment with the decision before and after, what was already charged and where, and the
// difference booked now), then the support's note: one group of sentences per SAV. Everything
// comes from the booked lines.
func (r *Renderer) explainSAV(lines []sb.SAVLine) [][]string {
	ts := &r.tx.Statement
	var groups [][]string
	var out []string
	for i := range lines {
		l := &lines[i]
		first := i == 0 || lines[i-1].SAVID != l.SAVID
		if first {
			out = []string{r.savStory(l)}
		}
		switch l.Type {
		case sb.LineCharge:
			out = append(out, fill(ts.ExplainCharge, "corrective", eur(l.CorrectiveCents),
				"share", frfmt.FormatBP(l.ChargeBP), "amount", eur(l.AmountCents)))
		case sb.LineNotCharged:
			out = append(out, fill(ts.ExplainNone, "outcome", lowerFirst(r.tx.Outcomes.Label(l.Outcome))))
		case sb.LineSettlement, sb.LineDeductible:
			out = append(out, r.explainDamage(l)...)
		case sb.LineAdjustment, sb.LineIndemnityAdjustment:
			out = append(out, r.explainAdjustment(l)...)
		}
		last := i == len(lines)-1 || lines[i+1].SAVID != l.SAVID
		if last {
			// the support's note of the SAV (the same on each of its lines)
			for j := i; j >= 0 && lines[j].SAVID == l.SAVID; j-- {
				if note := clean(lines[j].Note, false); note != "" {
					out = append(out, fill(ts.DecisionNote, "sav", strconv.FormatInt(l.SAVID, 10), "note", note))
					break
				}
			}
			groups = append(groups, out)
		}
	}
	return groups
}

// savStory is the first sentence about a SAV: what happened, where and when, and the decision.
func (r *Renderer) savStory(l *sb.SAVLine) string {
	ts := &r.tx.Statement
	decision := lowerFirst(r.tx.Outcomes.Label(l.Outcome))
	if l.ChargeBP > 0 && (l.Outcome == sb.OutcomeConfirmed || l.Outcome == sb.OutcomePartial) {
		decision = fill(ts.DecisionShare, "decision", decision, "share", frfmt.FormatBP(l.ChargeBP))
	}
	return fill(ts.SAVStory, "sav", strconv.FormatInt(l.SAVID, 10), "sav_when", r.whenWhere(l.SAVDay, l.City),
		"original", strconv.FormatInt(l.OriginalID, 10), "original_when", r.whenWhere(l.OriginalDay, l.OriginalCity),
		"decision", decision)
}

// whenWhere is « du <day> à <city> », or the part that is known ("" when neither is).
func (r *Renderer) whenWhere(day, city string) string {
	ts := &r.tx.Statement
	d, okD := r.day(day)
	c := clean(city, false)
	switch {
	case okD && c != "":
		return fill(ts.WhenWhere, "day", d, "city", c)
	case okD:
		return fill(ts.When, "day", d)
	case c != "":
		return fill(ts.Where, "city", c)
	}
	return ""
}

// explainDamage says which policy the damage falls under, its deductible, and the settlement or
// the claim (and, on the repairer's own policy, that they must declare it).
func (r *Renderer) explainDamage(l *sb.SAVLine) []string {
	ts := &r.tx.Statement
	policy := r.policy(l.Policy)
	if policy == "" { // booked before the policy was kept on the line
		return []string{fill(ts.DamageNote, "sav", strconv.FormatInt(l.SAVID, 10), "damage", eur(l.DamageCents))}
	}
	if l.Type == sb.LineSettlement {
		return []string{fill(ts.ExplainSettle, "damage", eur(l.DamageCents), "deductible", eur(l.DeductibleCents),
			"policy", policy, "amount", eur(l.AmountCents))}
	}
	claim := eur(l.DamageCents - l.DeductibleCents)
	out := []string{fill(ts.ExplainDeduct, "damage", eur(l.DamageCents), "deductible", eur(l.DeductibleCents),
		"policy", policy, "amount", eur(l.AmountCents), "claim", claim)}
	if l.Policy == sb.PolicyOwn {
		out = append(out, fill(ts.ExplainOwnClaim, "claim", claim))
	}
	return out
}

// explainAdjustment names the decision before and after, what was already charged and on which
// statement, what the revised decision implies, and the difference booked now.
func (r *Renderer) explainAdjustment(l *sb.SAVLine) []string {
	ts := &r.tx.Statement
	if l.BeforeOutcome == "" { // booked before the decision before was kept on the line
		if l.Type == sb.LineIndemnityAdjustment && l.DamageCents != 0 {
			return []string{fill(ts.DamageNote, "sav", strconv.FormatInt(l.SAVID, 10), "damage", eur(l.DamageCents))}
		}
		return nil
	}
	var change string
	if l.BeforeOutcome != l.Outcome || l.BeforeChargeBP != l.ChargeBP {
		change = fill(ts.AdjustDecision, "before", r.shortDecision(l.BeforeOutcome, l.BeforeChargeBP),
			"after", r.shortDecision(l.Outcome, l.ChargeBP))
	}
	if l.BeforeDamageCents != l.DamageCents {
		d := fill(ts.AdjustDamage, "before", eur(l.BeforeDamageCents), "after", eur(l.DamageCents))
		if change != "" {
			change += ", " + d
		} else {
			change = d
		}
	}
	if change == "" {
		change = ts.AdjustRevised
	}
	earlier := ""
	if l.EarlierStatement != "" {
		earlier = fill(ts.ExplainEarlier, "statement", l.EarlierStatement)
	}
	diff := fill(ts.DiffCharged, "amount", eur(l.AmountCents))
	if l.AmountCents < 0 {
		diff = fill(ts.DiffRefunded, "amount", eur(-l.AmountCents))
	}
	booked := ts.BookedReduction
	if l.Type == sb.LineIndemnityAdjustment {
		booked = ts.BookedIndemnity
	}
	out := []string{fill(ts.ExplainAdjust, "change", change, "booked", booked, "before", eur(l.BeforeBookedCents), "earlier", earlier,
		"now", eur(l.BeforeBookedCents+l.AmountCents), "diff", diff)}
	if l.Type == sb.LineIndemnityAdjustment && l.Policy != "" && l.DamageCents > 0 {
		policy := r.policy(l.Policy)
		if l.DamageCents <= l.DeductibleCents {
			out = append(out, fill(ts.ExplainSettle, "damage", eur(l.DamageCents), "deductible", eur(l.DeductibleCents),
				"policy", policy, "amount", eur(l.DamageCents)))
		} else {
			claim := eur(l.DamageCents - l.DeductibleCents)
			out = append(out, fill(ts.ExplainDeduct, "damage", eur(l.DamageCents), "deductible", eur(l.DeductibleCents),
				"policy", policy, "amount", eur(l.DeductibleCents), "claim", claim))
			if l.Policy == sb.PolicyOwn {
				out = append(out, fill(ts.ExplainOwnClaim, "claim", claim))
			}
		}
	}
	return out
}

// shortDecision is a decision in a few words: « confirmé », « partiel 25 % »…
func (r *Renderer) shortDecision(outcome string, bp int) string {
	ts := &r.tx.Statement
	switch outcome {
	case sb.OutcomeConfirmed:
		return ts.ShortConfirmed
	case sb.OutcomePartial:
		return fill(ts.ShortPartial, "share", frfmt.FormatBP(bp))
	case sb.OutcomeUnconfirmed:
		return ts.ShortUnconfirmed
	case sb.OutcomeRejected:
		return ts.ShortRejected
	}
	return outcome
}

// policy names an insurance policy as the damage sentences print it ("" when unknown).
func (r *Renderer) policy(p string) string {
	switch p {
	case sb.PolicyUmbrella:
		return r.tx.Statement.PolicyUmbrella
	case sb.PolicyOwn:
		return r.tx.Statement.PolicyOwn
	}
	return ""
}

// day prints a Paris day kept as YYYY-MM-DD; false when there is none.
func (r *Renderer) day(s string) (string, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, sb.Paris)
	if err != nil {
		return "", false
	}
	return r.dateOf(t), true
}

// lowerFirst lowers the first letter of a label used inside a sentence (« Pas de SAV » → « pas
// de SAV »), never an acronym's (« SAV non confirmé »).
func lowerFirst(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	if c == utf8.RuneError || !unicode.IsUpper(c) {
		return s
	}
	if next, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(next) { // an acronym: « SAV non confirmé »
		return s
	}
	return string(unicode.ToLower(c)) + s[n:]
}

// owed says, under the settlement's totals, what the statement's overflow left owed and where it
// went, in euros TTC: each invoice (TTC, HT, due date) and debit note (amount, due date) of the
// repairer in the period, and the plan created (its installments and their parts).
func (r *Renderer) owed(b *sb.Book, s *sb.Statement) []string {
	ts := &r.tx.Statement
	var out []string
	for i := range b.Invoices {
		inv := &b.Invoices[i]
		if inv.Repairer.ID != s.Repairer.ID {
			continue
		}
		if inv.DebitNote() {
			n := inv.Number
			if n == "" {
				n = ts.NoteDraft
			}
			out = append(out, fill(ts.OwedDebitNote, "note", n, "amount", eur(inv.TTCCents), "date", r.dateOf(inv.DueOn)))
			continue
		}
		n := inv.Number
		if n == "" {
			n = ts.InvoiceDraft
		}
		out = append(out, fill(ts.OwedInvoice, "invoice", n, "ttc", eur(inv.TTCCents), "ht", eur(inv.HTCents),
			"date", r.dateOf(inv.DueOn)))
	}
	if s.SpreadCents > 0 {
		id := sb.PlanID(s.Repairer.ID, s.Period)
		for _, p := range b.Plans {
			if p.ID != id || p.Months < 1 {
				continue
			}
			out = append(out, fill(ts.OwedPlan, "plan", p.ID, "amount", eur(p.TotalCents), "n", strconv.Itoa(p.Months),
				"first", periodName(p.CreatedIn.AddMonths(1)), "last", periodName(p.CreatedIn.AddMonths(p.Months))))
			red := p.ReductionCents()
			if red <= 0 {
				break
			}
			vat, err := money.Share(red, s.VATRateBP)
			if err != nil {
				break
			}
			reds := fill(ts.PlanReductions, "reduction", eur(red))
			if vat != 0 {
				reds = fill(ts.PlanReductionsVAT, "reduction", eur(red), "ttc", eur(red+vat))
			}
			if p.IndemnityCents != 0 {
				out = append(out, fill(ts.OwedPlanParts, "reductions", reds, "indemnity", eur(p.IndemnityCents)))
			} else {
				out = append(out, fill(ts.OwedPlanReduction, "reductions", reds))
			}
		}
	}
	return out
}
