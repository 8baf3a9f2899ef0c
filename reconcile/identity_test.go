package reconcile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

// A repairer's SIRET failing Luhn or invalid IBAN is a warning of that repairer (an invalid
// country code is one only when the period issues them no REL- or FAC-: else a hold,
// TestUnbillableIdentityHoldsTheStatement): the close books
// their statement normally, with the optional identity columns frozen on it, and the support's
// note travels with the SAV line.
func TestInvalidIdentityIsAWarningOfTheRepairer(t *testing.T) {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed, Note: "Courroie mal tendue"})
	r := in.Repairers[1]
	r.SIRET, r.IBAN, r.CountryCode = "73282932000075", "FR7630006000011234567890188", "BE"
	r.LegalForm, r.VATOnDebits, r.Postcode, r.City, r.BIC = "SARL au capital de 5 000 €", true, "69003", "Lyon", "AGRIFRPP"
	in.Repairers[1] = r
	b := mustClose(t, in)
	var got []sb.Anomaly
	for _, a := range b.Anomalies {
		if a.RepairerID == 1 {
			got = append(got, a)
		}
	}
	want := []sb.Anomaly{
		{Item: "réparateur 1", RepairerID: 1, Reason: `SIRET "73282932000075" invalide (14 chiffres, clé de contrôle Luhn)`,
			Fix: "corriger repairers.siret (14 chiffres du répertoire SIRENE)"},
		{Item: "réparateur 1", RepairerID: 1, Reason: "IBAN FR7630006000011234567890188 invalide (clé ISO 13616)",
			Fix: "corriger repairers.iban (IBAN du compte du réparateur)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("anomalies of repairer 1 (-want +got):\n%s", diff)
	}
	st := b.StatementOf(1)
	if st == nil || st.Number != "REL-1-2026-0001" {
		t.Fatalf("repairer 1's statement not issued: %+v", st)
	}
	p := st.Repairer
	if p.LegalForm != "SARL au capital de 5 000 €" || !p.VATOnDebits || p.Postcode != "69003" || p.City != "Lyon" ||
		p.CountryCode != "BE" || p.IBAN != r.IBAN || p.BIC != "AGRIFRPP" {
		t.Errorf("identity frozen on the statement: %+v", p)
	}
	if len(st.SAV) != 1 || st.SAV[0].Note != "Courroie mal tendue" {
		t.Errorf("SAV lines: %+v", st.SAV)
	}
	for _, a := range b.Anomalies {
		if a.RepairerID == 2 {
			t.Errorf("repairer 2 (blank optional fields) warned: %+v", a)
		}
	}
}

// A repairer whose identity cannot make a valid e-invoice (no SIRET, not 14 digits, a country
// code outside ISO 3166-1, a malformed VAT number) is held whenever the period would issue them
// a REL- or a FAC-: no statement, no invoice, no number taken, none of their facts booked (their
// interventions, the SAV charging them, their plan as it was), one blocking anomaly with its
// fix; the other repairer is booked as usual. A SIRET failing Luhn is a warning only; a
// statement of account (RDC-) alone, or a debit note, holds nothing.
func TestUnbillableIdentityHoldsTheStatement(t *testing.T) {
	confirmed := sb.Decision{Outcome: sb.OutcomeConfirmed}
	plan := sb.Plan{ID: "ECH-1-2026-09", RepairerID: 1, CreatedIn: oct.Prev(), Months: 2, TotalCents: 3000,
		RulesVersion: sb.RulesV2}
	cases := []struct {
		name   string
		edit   func(r *sb.Repairer, in *sb.CloseInput)
		held   bool
		reason string // in the hold's reason, or in a warning when not held
	}{
		{"valid identity", func(*sb.Repairer, *sb.CloseInput) {}, false, ""},
		{"no SIRET", func(r *sb.Repairer, _ *sb.CloseInput) { r.SIRET = "" }, true, "SIRET absent"},
		{"SIRET of 13 digits", func(r *sb.Repairer, _ *sb.CloseInput) { r.SIRET = "7328293200007" }, true, "il faut 14 chiffres"},
		{"SIRET with spaces", func(r *sb.Repairer, _ *sb.CloseInput) { r.SIRET = "732 829 320 00074" }, true, "il faut 14 chiffres"},
		{"country UK", func(r *sb.Repairer, _ *sb.CloseInput) { r.CountryCode = "UK" }, true, `code pays "UK" inconnu`},
		{"country in lower case", func(r *sb.Repairer, _ *sb.CloseInput) { r.CountryCode = "fr" }, true, `code pays "fr" inconnu`},
		{"malformed VAT number", func(r *sb.Repairer, _ *sb.CloseInput) { r.VATNumber = "FR 44 732829320" }, true, "numéro de TVA"},
		{"SIRET failing Luhn: a warning", func(r *sb.Repairer, _ *sb.CloseInput) { r.SIRET = "73282932000075" }, false,
			`SIRET "73282932000075" invalide (14 chiffres, clé de contrôle Luhn)`},
		{"no SIRET, a plan whose installment is paid", func(r *sb.Repairer, in *sb.CloseInput) {
			r.SIRET = ""
			in.Plans = []sb.Plan{plan}
		}, true, "SIRET absent"},
		{"no SIRET, only a statement of account", func(r *sb.Repairer, in *sb.CloseInput) {
			r.SIRET = ""
			in.Interventions = in.Interventions[3:] // no commission of repairer 1: G = 0, R > 0 spread
		}, false, ""},
		{"no SIRET, inactive: a statement of account and an invoice FAC-", func(r *sb.Repairer, in *sb.CloseInput) {
			r.SIRET, r.Active = "", false
			in.Interventions = in.Interventions[3:]
		}, true, "SIRET absent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := workedExample(confirmed)
			in.LastStatementSeq[1], in.LastStatementSeq[2] = 6, 2
			r := in.Repairers[1]
			c.edit(&r, in)
			in.Repairers[1] = r
			b := mustClose(t, in)
			var anoms []sb.Anomaly
			for _, a := range b.Anomalies {
				if a.RepairerID == 1 && a.Item == "réparateur 1" {
					anoms = append(anoms, a)
				}
			}
			st := b.StatementOf(1)
			if !c.held {
				if st == nil {
					t.Fatalf("repairer 1 has no statement; anomalies %+v", b.Anomalies)
				}
				if !st.Account && st.Number != "REL-1-2026-0007" {
					t.Errorf("statement %s, want REL-1-2026-0007", st.Number)
				}
				switch {
				case c.reason == "" && len(anoms) != 0:
					t.Errorf("anomalies of repairer 1: %+v", anoms)
				case c.reason != "" && (len(anoms) != 1 || anoms[0].Blocking || anoms[0].Reason != c.reason):
					t.Errorf("anomalies of repairer 1: %+v, want the warning %q", anoms, c.reason)
				}
				return
			}
			if st != nil {
				t.Errorf("repairer 1's statement booked: %s", st.Number)
			}
			for _, v := range b.Invoices {
				if v.Repairer.ID == 1 {
					t.Errorf("repairer 1's %s booked", v.Number)
				}
			}
			if len(anoms) != 1 || !anoms[0].Blocking || !strings.Contains(anoms[0].Reason, "identité non facturable") ||
				!strings.Contains(anoms[0].Reason, c.reason) || !strings.Contains(anoms[0].Fix, "repairers.") {
				t.Errorf("hold of repairer 1: %+v, want one blocking anomaly naming %q and its fix", anoms, c.reason)
			}
			// the SAV charging them is not booked: it comes back at the next close
			if len(b.SAVStates) != 0 || len(b.Claims) != 0 {
				t.Errorf("SAV states %+v, claims %+v booked", b.SAVStates, b.Claims)
			}
			for _, p := range b.Plans {
				if p.RepairerID == 1 && p != plan {
					t.Errorf("plan of repairer 1 changed: %+v", p)
				}
			}
			// repairer 2 is booked as usual, numbered from their own series
			if s2 := b.StatementOf(2); s2 == nil || s2.Number != "REL-2-2026-0003" || s2.GrossCents != 6500 {
				t.Errorf("repairer 2's statement: %+v", s2)
			}
		})
	}
}
