package invoices

import (
	"strings"
	"testing"

	sb "savbilling"
)

// Each kind of SAV line says in words what it books (domain.md « What a document explains »);
// a line booked before its explanation was kept in the ledger prints as before.
func TestEachSAVLineIsExplainedInWords(t *testing.T) {
	r := New(nil)
	base := sb.SAVLine{SAVID: 7, OriginalID: 3, City: "Lyon", SAVDay: "2026-10-12", OriginalDay: "2026-09-20",
		OriginalCity: "Paris", Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 4500}
	with := func(edit func(l *sb.SAVLine)) sb.SAVLine { l := base; edit(&l); return l }
	tests := []struct {
		name string
		line sb.SAVLine
		want []string
	}{
		{"charge", with(func(l *sb.SAVLine) { l.Type, l.AmountCents = sb.LineCharge, 4500 }), []string{
			"SAV 7 du 12/10/2026 à Lyon, sur l'intervention 3 du 20/09/2026 à Paris : prise en charge totale, part imputée 100 %.",
			"– Commission corrective : 45,00 € × 100 % = 45,00 €, déduits avant TVA."}},
		{"unconfirmed", with(func(l *sb.SAVLine) {
			l.Type, l.Outcome, l.ChargeBP = sb.LineNotCharged, sb.OutcomeUnconfirmed, 0
		}), []string{"SAV 7 du 12/10/2026 à Lyon, sur l'intervention 3 du 20/09/2026 à Paris : SAV non confirmé.",
			"– Non imputé : SAV non confirmé. Rien n'est retenu."}},
		{"rejected", with(func(l *sb.SAVLine) {
			l.Type, l.Outcome, l.ChargeBP = sb.LineNotCharged, sb.OutcomeRejected, 0
		}), []string{"– Non imputé : pas de SAV. Rien n'est retenu."}},
		{"settlement on the umbrella policy", with(func(l *sb.SAVLine) {
			l.Type, l.DamageCents, l.AmountCents, l.Policy, l.DeductibleCents = sb.LineSettlement, 6000, 6000, sb.PolicyUmbrella, 20000
		}), []string{"– Préjudice de 60,00 €, dans la franchise de 200,00 € de la RC Pro chapeau du réseau : règlement amiable de 60,00 €, retenu hors TVA."}},
		{"claim on the own policy", with(func(l *sb.SAVLine) {
			l.Type, l.DamageCents, l.AmountCents, l.Policy, l.DeductibleCents = sb.LineDeductible, 80000, 15000, sb.PolicyOwn, 15000
		}), []string{"sinistre de 650,00 € déclaré à l'assureur.",
			"– Ce sinistre de 650,00 € relève de votre propre RC Pro : vous devez le déclarer à votre assureur."}},
		{"partial 25 % revised to confirmed", with(func(l *sb.SAVLine) {
			l.Type, l.AmountCents = sb.LineAdjustment, 3375
			l.BeforeOutcome, l.BeforeChargeBP, l.BeforeBookedCents, l.EarlierStatement = sb.OutcomePartial, 2500, 1125, "REL-1-2026-0001"
		}), []string{"– Ajustement : décision passée de « partiel 25 % » à « confirmé » ; commission corrective déjà imputée : 11,25 € (SAV imputé sur le relevé REL-1-2026-0001) ; dû selon la décision révisée : 45,00 € ; différence imputée ce mois-ci : 33,75 €."}},
		{"refund", with(func(l *sb.SAVLine) {
			l.Type, l.AmountCents, l.Outcome, l.ChargeBP = sb.LineAdjustment, -4500, sb.OutcomeRejected, 0
			l.BeforeOutcome, l.BeforeChargeBP, l.BeforeBookedCents, l.EarlierStatement = sb.OutcomeConfirmed, 10000, 4500, "REL-1-2026-0001"
		}), []string{"décision passée de « confirmé » à « pas de SAV »", "différence remboursée ce mois-ci : 45,00 €."}},
		{"damage 0,00 € to 60,00 €", with(func(l *sb.SAVLine) {
			l.Type, l.AmountCents, l.DamageCents, l.Policy, l.DeductibleCents = sb.LineIndemnityAdjustment, 6000, 6000, sb.PolicyUmbrella, 20000
			l.BeforeOutcome, l.BeforeChargeBP = sb.OutcomeConfirmed, 10000
		}), []string{"– Ajustement : dommage passé de 0,00 € à 60,00 € ; préjudice déjà retenu : 0,00 €"}},
		{"booked before the explanation was kept", sb.SAVLine{SAVID: 7, OriginalID: 3, City: "Lyon", Outcome: sb.OutcomeConfirmed,
			ChargeBP: 10000, Type: sb.LineDeductible, DamageCents: 30000, AmountCents: 20000}, []string{
			"SAV 7 du — à Lyon", "SAV 7 : préjudice de 300,00 € au-delà de la réparation."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := r.explainSAV([]sb.SAVLine{tt.line})
			if len(groups) != 1 {
				t.Fatalf("%d groups for one SAV: %q", len(groups), groups)
			}
			got := strings.Join(groups[0], "\n")
			for i, want := range tt.want {
				if i == 0 && tt.name == "booked before the explanation was kept" {
					if strings.Contains(got, want) { // no day: the story leaves it out
						t.Errorf("prints a missing day: %s", got)
					}
					continue
				}
				if !strings.Contains(got, want) {
					t.Errorf("lacks « %s »:\n%s", want, got)
				}
			}
		})
	}
}

// The sentences of a statement's SAV lines are grouped by SAV, each group ending with the
// support's note of that SAV, once.
func TestSAVExplanationsAreGroupedBySAV(t *testing.T) {
	r := New(nil)
	charge := sb.SAVLine{SAVID: 7, OriginalID: 3, Outcome: sb.OutcomeConfirmed, ChargeBP: 10000,
		CorrectiveCents: 4500, AmountCents: 4500, Type: sb.LineCharge, Note: "Note 7"}
	settle := charge
	settle.Type, settle.DamageCents, settle.AmountCents, settle.Policy, settle.DeductibleCents = sb.LineSettlement, 6000, 6000, sb.PolicyOwn, 15000
	other := sb.SAVLine{SAVID: 9, OriginalID: 4, Outcome: sb.OutcomeRejected, Type: sb.LineNotCharged}
	groups := r.explainSAV([]sb.SAVLine{charge, settle, other})
	if len(groups) != 2 || len(groups[0]) != 4 || len(groups[1]) != 2 ||
		groups[0][3] != "SAV 7 — note du support : « Note 7 »" || !strings.HasPrefix(groups[1][0], "SAV 9, sur l'intervention 4 : pas de SAV.") {
		t.Errorf("groups = %q", groups)
	}
}
