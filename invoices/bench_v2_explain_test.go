package invoices

import sb "savbilling"

// benchExplained fills the explanation fields of a bench statement's SAV lines (issue 19).
func benchExplained(lines []sb.SAVLine, i int) {
	for k := range lines {
		l := &lines[k]
		l.SAVDay, l.OriginalDay, l.OriginalCity = "2026-10-12", "2026-09-20", "Saint-Étienne"
		if l.Type.Indemnity() {
			l.Policy, l.DeductibleCents = sb.PolicyUmbrella, 20000
		}
		if i%3 == 0 && l.Type == sb.LineCharge {
			l.Type = sb.LineAdjustment
			l.BeforeOutcome, l.BeforeChargeBP, l.BeforeBookedCents, l.EarlierStatement = sb.OutcomePartial, 2500, 1125, "REL-1-2026-0001"
		}
	}
}
