package invoices

import "savbilling"

// benchExplained fills the explanation fields of a bench statement's SAV lines (issue 19).
func benchExplained(lines []savbilling.SAVLine, i int) {
	for k := range lines {
		l := &lines[k]
		l.SAVDay, l.OriginalDay, l.OriginalCity = "2026-10-12", "2026-09-20", "Saint-Étienne"
		if l.Type.Indemnity() {
			l.Policy, l.DeductibleCents = savbilling.PolicyUmbrella, 20000
		}
		if i%3 == 0 && l.Type == savbilling.LineCharge {
			l.Type = savbilling.LineAdjustment
			l.BeforeOutcome, l.BeforeChargeBP, l.BeforeBookedCents, l.EarlierStatement = savbilling.OutcomePartial, 2500, 1125, "REL-1-2026-0001"
		}
	}
}
