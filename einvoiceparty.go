package savbilling

import (
	"strings"

	"savbilling/einvoice"
)

// EInvoiceParty is the e-invoice party of a repairer's identity (docs/einvoice.md): name,
// SIRET, VAT number, the address structured from the optional columns postcode, city,
// country_code when set, else parsed from address (einvoice.NewParty; country FR when none); a
// repairer without a VAT number (franchise en base) has their SIREN as tax registration (BT-32),
// so that BR-E-02 holds. The close checks it (einvoice.CheckParty) before it numbers a REL- or a
// FAC- of the repairer; the renderer writes it on their e-invoices.
func (p Party) EInvoiceParty() einvoice.Party {
	e := einvoice.NewParty(p.Name, p.SIRET, p.VATNumber, p.Address, p.Postcode, p.City, p.CountryCode)
	if e.VATID == "" {
		e.TaxRegistration = einvoice.SIREN(e.SIRET)
	}
	return e
}

// EInvoiceParty is the e-invoice party of the network (its address parsed, country FR).
func (is Issuer) EInvoiceParty() einvoice.Party {
	e := einvoice.NewParty(is.Name, is.SIRET, is.VATNumber, is.Address, "", "", "")
	if e.VATID == "" {
		e.TaxRegistration = einvoice.SIREN(e.SIRET)
	}
	return e
}

// CheckEInvoice is einvoice.CheckParty of p.EInvoiceParty(), without structuring the address,
// which the check does not read (only its country, FR when blank): the close runs it for every
// repairer it would issue a REL- or a FAC-, the store for every repairer.
func (p Party) CheckEInvoice() (problems []einvoice.Problem, ok bool) {
	c := strings.TrimSpace(p.CountryCode)
	if c == "" {
		c = "FR"
	}
	return einvoice.CheckParty(einvoice.Party{Name: strings.TrimSpace(p.Name), SIRET: strings.TrimSpace(p.SIRET),
		VATID: strings.TrimSpace(p.VATNumber), Address: einvoice.Address{Country: c}})
}
