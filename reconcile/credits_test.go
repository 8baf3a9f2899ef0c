package reconcile

import (
	"slices"
	"strings"
	"testing"

	sb "savbilling"
)

// TestCreditsOffSAV: a customer credit on an intervention that is no SAV, or on none, is listed as
// goodwill borne by the network (no decision) with a warning; an unreadable one is warned about and
// read again; a repeated row is reported once. Goodwill stays in credit id order.
func TestCreditsOffSAV(t *testing.T) {
	credit := func(id, iv, amount int64) sb.Credit {
		return sb.Credit{ID: id, InterventionID: iv, AmountCents: amount, GrantedAt: at("2026-10-10 10:00"), Reason: "geste"}
	}
	tests := []struct {
		name     string
		credits  []sb.StrayCredit
		goodwill []int64 // credit ids listed, in order
		cost     int64   // borne by the network
		warnings []string
	}{
		{name: "a credit on a standard intervention",
			credits: []sb.StrayCredit{{Credit: credit(7, 101, 1250), RepairerID: 1}}, goodwill: []int64{7}, cost: 1250,
			warnings: []string{"crédit 7 (intervention 101)|n'est pas un SAV"}},
		{name: "a credit on a missing intervention",
			credits: []sb.StrayCredit{{Credit: credit(8, 999, 700), Missing: true}}, goodwill: []int64{8}, cost: 700,
			warnings: []string{"crédit 8 (intervention 999)|inexistante"}},
		{name: "an unreadable credit is not reported",
			credits:  []sb.StrayCredit{{Credit: sb.Credit{ID: 9, InterventionID: 101, Defect: &sb.Defect{Reason: "montant NULL", Fix: "client_credits.amount_cents"}}}},
			warnings: []string{"crédit 9 (intervention 101)|non reporté"}},
		{name: "a row twice, reported once",
			credits:  []sb.StrayCredit{{Credit: credit(5, 101, 100)}, {Credit: credit(5, 101, 100)}},
			goodwill: []int64{5}, cost: 100,
			warnings: []string{"crédit 5 (intervention 101)|n'est pas un SAV", "crédit 5 (intervention 101)|deux fois"}},
		{name: "among the SAV's credits, in id order",
			credits:  []sb.StrayCredit{{Credit: credit(1, 101, 100)}, {Credit: credit(3, 102, 200)}},
			goodwill: []int64{1, 2, 3}, cost: 300 + 500,
			warnings: []string{"crédit 1 (intervention 101)|n'est pas un SAV", "crédit 3 (intervention 102)|n'est pas un SAV"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedExample(sb.Decision{Outcome: sb.OutcomeUnconfirmed})
			in.StrayCredits = tt.credits
			if tt.name == "among the SAV's credits, in id order" {
				in.Credits = []sb.Credit{{ID: 2, InterventionID: 201, AmountCents: 500, GrantedAt: at("2026-10-12 17:00")}}
			}
			b := mustClose(t, in)
			var ids []int64
			var cost int64
			for _, g := range b.Goodwill {
				ids = append(ids, g.CreditID)
				if g.BorneByNetwork {
					cost += g.AmountCents
				}
				if g.SAVID != 201 && (g.Outcome != "" || g.Fits || !strings.Contains(g.Note, "à la charge du réseau")) {
					t.Errorf("goodwill %+v: want no decision, not conforming, a note", g)
				}
			}
			if !slices.Equal(ids, tt.goodwill) || cost != tt.cost {
				t.Errorf("goodwill %v costing %d, want %v costing %d", ids, cost, tt.goodwill, tt.cost)
			}
			var warns []string
			for _, a := range b.Anomalies {
				if strings.HasPrefix(a.Item, "crédit ") {
					if a.Blocking || a.Fix == "" {
						t.Errorf("anomaly %+v: want a warning with its fix", a)
					}
					warns = append(warns, a.Item+"|"+a.Reason)
				}
			}
			if len(warns) != len(tt.warnings) {
				t.Fatalf("warnings %q, want %q", warns, tt.warnings)
			}
			for i, w := range tt.warnings {
				item, phrase, _ := strings.Cut(w, "|")
				if !strings.HasPrefix(warns[i], item+"|") || !strings.Contains(warns[i], phrase) {
					t.Errorf("warning %q, want %q with %q", warns[i], item, phrase)
				}
			}
		})
	}
}
