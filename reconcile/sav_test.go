package reconcile

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

// charged sums the SAV lines of the book per charged repairer and type.
func charged(b *sb.Book) map[int64]map[sb.SAVLineType]int64 {
	out := map[int64]map[sb.SAVLineType]int64{}
	for _, s := range b.Statements {
		for _, l := range s.SAV {
			if out[l.RepairerID] == nil {
				out[l.RepairerID] = map[sb.SAVLineType]int64{}
			}
			out[l.RepairerID][l.Type] += l.AmountCents
		}
	}
	return out
}

func blocking(b *sb.Book) []string {
	var out []string
	for _, a := range b.Anomalies {
		if a.Blocking {
			out = append(out, a.Item+": "+a.Reason)
		}
	}
	return out
}

func TestSAVRules(t *testing.T) {
	third := repairer(3, sb.VATStandard)
	own := repairer(4, sb.VATStandard)
	own.DeductibleCents = ptr(int64(15000))
	tests := []struct {
		name    string
		edit    func(in *sb.CloseInput, c *sb.SAVCase)
		want    map[int64]map[sb.SAVLineType]int64 // nil: charge held
		claim   *sb.Claim
		anomaly string // substring of the blocking anomaly when held, or of a warning
	}{
		{name: "confirmed charges C to the original's repairer",
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 4500}}},
		{name: "partial 50 %", edit: func(_ *sb.CloseInput, c *sb.SAVCase) {
			c.Decision.Outcome, c.Decision.ChargeBP = sb.OutcomePartial, 5000
		},
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 2250}}},
		{name: "partial 1 bp rounds half away from zero", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.Outcome, c.Decision.ChargeBP = sb.OutcomePartial, 1 },
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 0}}},
		{name: "partial 9999 bp", edit: func(_ *sb.CloseInput, c *sb.SAVCase) {
			c.Decision.Outcome, c.Decision.ChargeBP = sb.OutcomePartial, 9999
		},
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 4500}}}, // 4499.55 -> 4500
		{name: "unconfirmed charges nothing", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.Outcome = sb.OutcomeUnconfirmed },
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineNotCharged: 0}}},
		{name: "rejected charges nothing", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.Outcome = sb.OutcomeRejected },
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineNotCharged: 0}}},
		{name: "faulty repairer set by support", edit: func(in *sb.CloseInput, c *sb.SAVCase) {
			in.Repairers[3] = third
			c.Decision.FaultyRepairerID = 3
		}, want: map[int64]map[sb.SAVLineType]int64{3: {sb.LineCharge: 4500}}},
		{name: "self-SAV: the SAV repairer redoes their own work", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Original.RepairerID = 2 },
			want: map[int64]map[sb.SAVLineType]int64{2: {sb.LineCharge: 4500}}},
		{name: "damage within the umbrella deductible is settled amicably", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.DamageCents = 12000 },
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 4500, sb.LineSettlement: 12000}}},
		{name: "damage equal to the deductible is settled amicably", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.DamageCents = 20000 },
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 4500, sb.LineSettlement: 20000}}},
		{name: "damage one cent above the deductible is claimed", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.DamageCents = 20001 },
			want:  map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 4500, sb.LineDeductible: 20000}},
			claim: &sb.Claim{SAVID: 201, RepairerID: 1, Policy: sb.PolicyUmbrella, DamageCents: 20001, DeductibleCents: 20000, ClaimCents: 1}},
		{name: "damage on partial uses the repairer's own deductible", edit: func(in *sb.CloseInput, c *sb.SAVCase) {
			in.Repairers[4] = own
			c.Decision.Outcome, c.Decision.ChargeBP, c.Decision.FaultyRepairerID, c.Decision.DamageCents = sb.OutcomePartial, 3333, 4, 50000
		}, want: map[int64]map[sb.SAVLineType]int64{4: {sb.LineCharge: 1500, sb.LineDeductible: 15000}},
			claim: &sb.Claim{SAVID: 201, RepairerID: 4, Policy: sb.PolicyOwn, DamageCents: 50000, DeductibleCents: 15000, ClaimCents: 35000}},
		{name: "original closed long before: warned, charged", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Original.ClosedAt = at("2026-06-01 10:00") },
			want: map[int64]map[sb.SAVLineType]int64{1: {sb.LineCharge: 4500}}, anomaly: "hors délai"},

		// Held charges: the SAV repairer keeps their commission.
		{name: "original missing", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Original = nil }, anomaly: "inexistante"},
		{name: "no original", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.SAV.OriginalID, c.Original = 0, nil }, anomaly: "sans intervention d'origine"},
		{name: "SAV pointing at itself", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.SAV.OriginalID = 201 }, anomaly: "lui-même"},
		{name: "SAV of a SAV", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Original.Kind = sb.KindSAV }, anomaly: "pas une intervention standard"},
		{name: "original not closed", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Original.Status = sb.StatusOpen }, anomaly: "statut"},
		{name: "original closed after the SAV", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Original.ClosedAt = at("2026-10-20 10:00") }, anomaly: "après le SAV"},
		{name: "unknown outcome", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.Outcome = "maybe" }, anomaly: "inconnue"},
		{name: "partial share 0", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.Outcome = sb.OutcomePartial }, anomaly: "hors de 1..9999"},
		{name: "partial share 10000", edit: func(_ *sb.CloseInput, c *sb.SAVCase) {
			c.Decision.Outcome, c.Decision.ChargeBP = sb.OutcomePartial, 10000
		}, anomaly: "hors de 1..9999"},
		{name: "damage on unconfirmed", edit: func(_ *sb.CloseInput, c *sb.SAVCase) {
			c.Decision.Outcome, c.Decision.DamageCents = sb.OutcomeUnconfirmed, 100
		}, anomaly: "n'impute rien"},
		{name: "damage on rejected", edit: func(_ *sb.CloseInput, c *sb.SAVCase) {
			c.Decision.Outcome, c.Decision.DamageCents = sb.OutcomeRejected, 100
		}, anomaly: "n'impute rien"},
		{name: "improbable damage", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.DamageCents = 1<<63 - 1 }, anomaly: "dommage improbable"},
		{name: "negative own deductible", edit: func(in *sb.CloseInput, c *sb.SAVCase) {
			r := in.Repairers[1]
			r.DeductibleCents = ptr(int64(-5000))
			in.Repairers[1] = r
			c.Decision.DamageCents = 10000
		}, anomaly: "franchise RC Pro du réparateur 1 improbable"},
		{name: "negative damage", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.DamageCents = -1 }, anomaly: "dommage négatif"},
		{name: "confirmed without corrective operation", edit: func(_ *sb.CloseInput, c *sb.SAVCase) {
			for i := range c.SAV.Operations {
				c.SAV.Operations[i].SAVRelated = false
			}
		}, anomaly: "sans opération corrective"},
		{name: "unknown faulty repairer", edit: func(_ *sb.CloseInput, c *sb.SAVCase) { c.Decision.FaultyRepairerID = 99 }, anomaly: "réparateur fautif 99 inconnu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed})
			if tt.edit != nil {
				tt.edit(in, &in.SAVs[0])
			}
			b := mustClose(t, in)
			got := charged(b)
			if tt.want == nil {
				if len(got) != 0 {
					t.Errorf("charge should be held, got %v", got)
				}
				if bl := blocking(b); len(bl) != 1 || !strings.Contains(bl[0], tt.anomaly) || !strings.HasPrefix(bl[0], "SAV 201") {
					t.Errorf("blocking anomalies = %q, want one on SAV 201 containing %q", bl, tt.anomaly)
				}
				if len(b.SAVStates) != 0 {
					t.Errorf("a held SAV must stay eligible, got state %+v", b.SAVStates)
				}
			} else {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("charged (-want +got):\n%s", diff)
				}
				if bl := blocking(b); len(bl) != 0 {
					t.Errorf("unexpected blocking anomalies %q", bl)
				}
				if tt.anomaly != "" && (len(b.Anomalies) != 1 || !strings.Contains(b.Anomalies[0].Reason, tt.anomaly)) {
					t.Errorf("warnings = %+v, want one containing %q", b.Anomalies, tt.anomaly)
				}
			}
			var claim *sb.Claim
			if len(b.Claims) > 0 {
				claim = &b.Claims[0]
			}
			if diff := cmp.Diff(tt.claim, claim); diff != "" {
				t.Errorf("claim (-want +got):\n%s", diff)
			}
			// The SAV repairer is paid for the visit whatever happens to the charge.
			if s := b.StatementOf(2); s == nil || s.GrossCents != 6500 {
				t.Errorf("R2 must earn 65.00 for the visit, got %+v", figuresOf(s))
			}
		})
	}
}

func TestPendingAndStray(t *testing.T) {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed})
	in.SAVs[0].Decision = nil
	in.StrayDecisions = []sb.Decision{{SAVID: 102, Outcome: sb.OutcomeConfirmed}}
	b := mustClose(t, in)
	want := []sb.PendingSAV{{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, ClosedAt: at("2026-10-12 15:00"), AgeDays: 19}}
	if diff := cmp.Diff(want, b.Pending); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}
	if got := charged(b); len(got) != 0 {
		t.Errorf("a pending SAV is not charged: %v", got)
	}
	if s := b.StatementOf(2); s == nil || s.GrossCents != 6500 {
		t.Errorf("the pending SAV's visit is still paid")
	}
	if bl := blocking(b); len(bl) != 1 || !strings.Contains(bl[0], "décision sur l'intervention 102") {
		t.Errorf("stray decision anomaly = %q", bl)
	}
}

func TestInterventionAnomalies(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(in *sb.CloseInput, iv *sb.Intervention)
		anomaly string
	}{
		{"negative commission", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.Operations[0].CommissionCents = -1 }, "montant négatif"},
		{"negative price", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.Operations[0].PriceCents = -5 }, "montant négatif"},
		{"unknown repairer", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.RepairerID = 77 }, "réparateur 77 inconnu"},
		{"unknown kind", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.Kind = "warranty" }, "type d'intervention"},
		{"improbable commission", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.Operations[0].CommissionCents = sb.MaxAmountCents + 1 }, "montant improbable"},
		{"commission near int64 max", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.Operations[0].CommissionCents = 1<<63 - 1 }, "montant improbable"},
		{"improbable price", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.Operations[0].PriceCents = 1 << 62 }, "montant improbable"},
		{"closed in 1970", func(_ *sb.CloseInput, iv *sb.Intervention) { iv.ClosedAt = time.Unix(0, 0).UTC() }, "date de clôture improbable"},
		{"unknown VAT regime", func(in *sb.CloseInput, _ *sb.Intervention) {
			r := in.Repairers[1]
			r.VATRegime = "exempt"
			in.Repairers[1] = r
		}, "régime de TVA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(oct, repairer(1, sb.VATStandard))
			held := job(101, 1, "2026-10-05 09:00", 4000)
			held.Operations = append(held.Operations, sb.Operation{ID: 1012, InterventionID: 101, CommissionCents: 700, PriceCents: 900})
			tt.edit(in, &held)
			in.Repairers[2] = repairer(2, sb.VATStandard)
			in.Interventions = []sb.Intervention{held, job(102, 2, "2026-10-06 09:00", 5500)}
			b := mustClose(t, in)
			if bl := blocking(b); len(bl) != 1 || !strings.HasPrefix(bl[0], "intervention 101: ") || !strings.Contains(bl[0], tt.anomaly) {
				t.Errorf("anomalies = %q, want intervention 101 with %q", bl, tt.anomaly)
			}
			if b.StatementOf(1) != nil {
				t.Errorf("intervention 101 must be held whole, got statement %+v", figuresOf(b.StatementOf(1)))
			}
			if s := b.StatementOf(2); s == nil || s.GrossCents != 5500 {
				t.Errorf("the rest of the month is booked: %+v", figuresOf(s))
			}
			for _, a := range b.Anomalies {
				if a.Fix == "" {
					t.Errorf("anomaly %q names no fix", a.Reason)
				}
			}
		})
	}
}

func TestLateArrival(t *testing.T) {
	in := input(oct, repairer(1, sb.VATStandard))
	in.Interventions = []sb.Intervention{job(50, 1, "2026-09-29 09:00", 1000), job(101, 1, "2026-10-05 09:00", 4000)}
	b := mustClose(t, in)
	got := b.StatementOf(1).Commissions
	if len(got) != 2 || !got[0].Late || got[1].Late {
		t.Errorf("late flags = %+v; want 50 late, 101 not", got)
	}
	in.LastClosed = sb.Period{} // the first close: history is not late
	b = mustClose(t, in)
	if b.StatementOf(1).Commissions[0].Late {
		t.Errorf("on the first close nothing is late")
	}
}

func TestPendingAgeOfAncientSAV(t *testing.T) {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed})
	in.SAVs[0].Decision = nil
	in.SAVs[0].SAV.ClosedAt = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	b := mustClose(t, in)
	want := int((in.End.Unix() - in.SAVs[0].SAV.ClosedAt.Unix()) / 86400) // about 374 000 days, beyond time.Duration
	if len(b.Pending) != 1 || b.Pending[0].AgeDays != want || want < 370000 {
		t.Errorf("pending = %+v, want age %d days", b.Pending, want)
	}
}
