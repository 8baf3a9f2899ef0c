package savbilling

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"savbilling/einvoice"
)

// The close's check of an identity (CheckEInvoice, without structuring the address) says what
// einvoice.CheckParty says of the party the e-invoice carries.
func TestCheckEInvoiceIsCheckPartyOfTheEInvoiceParty(t *testing.T) {
	for _, p := range []Party{
		{Name: "Atelier", SIRET: "73282932000074", Address: "3 rue X\n75011 Paris"},
		{Name: "Atelier", SIRET: "73282932000075", VATNumber: "FR44732829320", CountryCode: "BE"},
		{Name: " ", SIRET: "", CountryCode: "UK", Address: "Lyon"},
		{Name: "Atelier", SIRET: "7328293200007", VATNumber: "FR 44", CountryCode: "fr", Postcode: "69003"},
		{Name: "Atelier", SIRET: " 73282932000074 ", CountryCode: " FR "},
	} {
		gotP, gotOK := p.CheckEInvoice()
		wantP, wantOK := einvoice.CheckParty(p.EInvoiceParty())
		if gotOK != wantOK || !cmp.Equal(gotP, wantP) {
			t.Errorf("%+v: CheckEInvoice %v %+v, CheckParty %v %+v", p, gotOK, gotP, wantOK, wantP)
		}
	}
}
