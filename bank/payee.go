package bank

import (
	"fmt"
	"strings"
)

// Reason says why a statement is not paid by the transfer file. The zero value is not a reason.
type Reason int

// The reasons a statement is not paid by the file, in the order Check looks for them.
const (
	_                  Reason = iota
	ReasonNothingToPay        // the amount payable is zero (or negative)
	ReasonOverLimit           // the amount is above the scheme's 999 999 999,99 € ceiling
	ReasonNoIBAN              // the repairer has no IBAN
	ReasonIBANFormat          // the IBAN has the wrong shape or length, or an unknown country
	ReasonIBANChecksum        // the IBAN fails its mod-97 check digits
	ReasonBICFormat           // the BIC has the wrong shape (8 or 11 characters, ISO 9362)
	ReasonNotSEPA             // the IBAN's or the address's country is outside the SEPA scope
	ReasonNoTown              // the address has no town (a structured address needs town and country)
	ReasonNoName              // the repairer's name is empty
)

// Label is the reason in French, as the workbook's `Paiements` sheet prints it.
func (r Reason) Label() string {
	switch r {
	case ReasonNothingToPay:
		return "rien à payer"
	case ReasonOverLimit:
		return "montant au-delà du plafond SEPA"
	case ReasonNoIBAN:
		return "pas d'IBAN"
	case ReasonIBANFormat:
		return "IBAN mal formé"
	case ReasonIBANChecksum:
		return "IBAN invalide (clé de contrôle)"
	case ReasonBICFormat:
		return "BIC mal formé"
	case ReasonNotSEPA:
		return "pays hors zone SEPA"
	case ReasonNoTown:
		return "adresse sans ville"
	case ReasonNoName:
		return "nom manquant"
	}
	return fmt.Sprintf("raison %d", int(r))
}

// String returns Label.
func (r Reason) String() string { return r.Label() }

// Problem is one reason a statement is not paid by the file, with a French sentence naming the
// value at fault and the fix.
type Problem struct {
	Reason Reason
	Detail string
}

// Error returns the French sentence, so a Problem is an error too.
func (p *Problem) Error() string { return p.Detail }

// Party is a holder of an account: the network (debtor) or a repairer (creditor). Street,
// Postcode, Town and Country make the structured postal address (Country: ISO 3166-1 alpha-2;
// empty reads as FR, as the repairers table does). BIC is optional.
type Party struct {
	Name     string
	Street   string
	Postcode string
	Town     string
	Country  string
	IBAN     string
	BIC      string
}

// country returns the party's country code, upper case, FR when empty.
func (p Party) country() string {
	c := strings.ToUpper(strings.TrimSpace(p.Country))
	if c == "" {
		return "FR"
	}
	return c
}

// Check decides whether an amount can be paid to a party by the transfer file. It returns nil
// when it can, else every problem found, in the order of the Reason constants (nothing to pay
// first), so that finance fixes them all at once. A party whose IBAN or BIC has spaces or lower
// case is accepted: the file writes the electronic form.
func Check(p Party, amountCents int64) []Problem {
	var out []Problem
	add := func(err error) {
		if pr, ok := err.(*Problem); ok {
			out = append(out, *pr)
		}
	}
	if amountCents <= 0 {
		out = append(out, Problem{Reason: ReasonNothingToPay, Detail: "rien à payer : le net à payer est nul"})
	}
	if amountCents > maxAmountCents {
		out = append(out, Problem{Reason: ReasonOverLimit, Detail: fmt.Sprintf("montant %s € au-delà du plafond SEPA de 999 999 999,99 €", formatAmount(amountCents))})
	}
	iban, err := ValidateIBAN(p.IBAN)
	add(err)
	if strings.TrimSpace(p.BIC) != "" {
		_, err := ValidateBIC(p.BIC)
		add(err)
	}
	c := p.country()
	if !IsSEPACountry(c) {
		out = append(out, Problem{Reason: ReasonNotSEPA, Detail: fmt.Sprintf("pays %q hors zone SEPA : payer par un autre moyen", p.Country)})
	} else if iban != "" && !IsSEPACountry(iban[:2]) {
		out = append(out, Problem{Reason: ReasonNotSEPA, Detail: fmt.Sprintf("IBAN du pays %s, hors zone SEPA : payer par un autre moyen", iban[:2])})
	}
	if Field(p.Town, 35) == "" {
		out = append(out, Problem{Reason: ReasonNoTown, Detail: "adresse sans ville : renseigner la colonne city du réparateur (les banques exigent ville et pays)"})
	}
	if Field(p.Name, 70) == "" {
		out = append(out, Problem{Reason: ReasonNoName, Detail: "nom du réparateur vide"})
	}
	return out
}

// Unpaid is a statement the transfer file does not pay, with every reason.
type Unpaid struct {
	Transfer Transfer
	Problems []Problem
}

// Labels joins the reasons' labels for a cell of the `Paiements` sheet (« pas d'IBAN ; BIC mal
// formé »).
func (u Unpaid) Labels() string {
	var s []string
	for _, p := range u.Problems {
		s = append(s, p.Reason.Label())
	}
	return strings.Join(s, " ; ")
}

// Split sorts the period's statements (one Transfer each, whatever its amount) into those the
// file pays and those it does not, with their reasons, both in the order given. A statement not
// paid by the file is listed, never carried to a later file (contract: finance pays it by other
// means). Render(Message{…, Transfers: paid}) then writes the file when paid is not empty.
func Split(ts []Transfer) (paid []Transfer, unpaid []Unpaid) {
	for _, t := range ts {
		if probs := Check(t.Creditor, t.AmountCents); len(probs) > 0 {
			unpaid = append(unpaid, Unpaid{Transfer: t, Problems: probs})
		} else {
			paid = append(paid, t)
		}
	}
	return paid, unpaid
}
