package reports

// goodwillDecision is the Décision cell of a customer credit: the SAV's decision, or « Hors SAV »
// for a credit granted on an intervention that is no SAV (docs/rules.md, "Customer credits").
func goodwillDecision(outcome string) string {
	if outcome == "" {
		return "Hors SAV"
	}
	return decisionLabel(outcome)
}
