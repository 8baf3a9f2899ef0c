package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

// A repairer's invalid SIRET, IBAN or country code is a warning of that repairer: the close books
// their statement normally, with the optional identity columns frozen on it, and the support's
// note travels with the SAV line.
func TestInvalidIdentityIsAWarningOfTheRepairer(t *testing.T) {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed, Note: "Courroie mal tendue"})
	r := in.Repairers[1]
	r.SIRET, r.IBAN, r.CountryCode = "73282932000075", "FR7630006000011234567890188", "UK"
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
		{Item: "réparateur 1", RepairerID: 1, Reason: `code pays "UK" invalide (ISO 3166-1 alpha-2)`,
			Fix: "corriger repairers.country_code (deux lettres majuscules : FR, BE…)"},
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
		p.CountryCode != "UK" || p.IBAN != r.IBAN || p.BIC != "AGRIFRPP" {
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
