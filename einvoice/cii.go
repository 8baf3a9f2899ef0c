package einvoice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"savbilling/money"
)

// numberPattern is BR-FR-01 / BR-FR-02: an invoice number of at most 35 characters among
// letters, digits and + - _ /.
var numberPattern = regexp.MustCompile(`^[A-Za-z0-9+_/-]{1,35}$`)

// ComputeTotals computes the totals of d from its lines, allowances, VAT and prepaid amount,
// with every sum checked against int64 overflow.
func ComputeTotals(d *Document) (Totals, error) {
	var t Totals
	var err error
	for i, l := range d.Lines {
		if t.LineCents, err = money.Add(t.LineCents, l.AmountCents); err != nil {
			return t, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	for i, a := range d.Allowances {
		if t.AllowanceCents, err = money.Add(t.AllowanceCents, a.AmountCents); err != nil {
			return t, fmt.Errorf("allowance %d: %w", i+1, err)
		}
	}
	t.TaxBasisCents = t.LineCents - t.AllowanceCents // both non-negative: cannot overflow
	if t.VATCents, err = money.MulDivRound(t.TaxBasisCents, d.VAT.RateBP, 10000); err != nil {
		return t, fmt.Errorf("VAT: %w", err)
	}
	if t.GrandCents, err = money.Add(t.TaxBasisCents, t.VATCents); err != nil {
		return t, fmt.Errorf("total with VAT: %w", err)
	}
	t.PrepaidCents = d.PrepaidCents
	if t.DueCents, err = money.Add(t.GrandCents, -d.PrepaidCents); err != nil {
		return t, fmt.Errorf("amount due: %w", err)
	}
	return t, nil
}

// Check returns every reason why d cannot be written as a valid EN 16931 / BR-FR invoice, and
// its totals.
func Check(d *Document) (Totals, error) {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !numberPattern.MatchString(d.Number) {
		bad("number %q: at most 35 characters among letters, digits and + - _ / (BR-FR-01, BR-FR-02)", d.Number)
	}
	if d.Type != SelfBilled && d.Type != Commercial {
		bad("type code %q: want %s or %s", d.Type, SelfBilled, Commercial)
	}
	if y := d.IssueDate.Year(); y < 2000 || y > 2099 {
		bad("issue date %s: year outside 2000-2099 (BR-FR-03)", d.IssueDate.Format(time.DateOnly))
	}
	if !d.DueDate.IsZero() && date(d.DueDate) < date(d.IssueDate) {
		bad("due date %s before the issue date %s (BR-FR-CO-07)", d.DueDate.Format(time.DateOnly), d.IssueDate.Format(time.DateOnly))
	}
	if d.PeriodStart.IsZero() != d.PeriodEnd.IsZero() || (!d.PeriodStart.IsZero() && date(d.PeriodEnd) < date(d.PeriodStart)) {
		bad("billing period %s..%s: give both dates, the end on or after the start (BR-29)", d.PeriodStart.Format(time.DateOnly), d.PeriodEnd.Format(time.DateOnly))
	}
	for role, p := range map[string]Party{"seller": d.Seller, "buyer": d.Buyer} {
		if problems, ok := CheckParty(p); !ok {
			for _, pr := range problems {
				if !pr.Warning {
					bad("%s %q: %s", role, p.Name, pr)
				}
			}
		}
	}
	switch d.VAT.Category {
	case "S":
		if d.VAT.RateBP <= 0 {
			bad("VAT category S needs a rate above zero (BR-S-05)")
		}
		if d.Seller.VATID == "" && d.Seller.TaxRegistration == "" {
			bad("VAT category S: the seller needs a VAT number or a tax registration (BR-S-02)")
		}
	case "E":
		if d.VAT.RateBP != 0 || d.VAT.Exemption == "" || d.VAT.ExemptionCode == "" {
			bad("VAT category E needs rate 0 and an exemption reason and code (BR-E-05, BR-E-10)")
		}
		if d.Seller.VATID == "" && d.Seller.TaxRegistration == "" {
			bad("VAT category E: the seller needs a VAT number or a tax registration (BR-E-02)")
		}
	default:
		bad("VAT category %q: want S or E", d.VAT.Category)
	}
	for _, code := range []string{NotePMT, NotePMD, NoteAAB} {
		n := 0
		for _, note := range d.Notes {
			if note.Subject == code {
				n++
			}
		}
		if n != 1 {
			bad("note %s: %d, want exactly one (BR-FR-05, BR-FR-06)", code, n)
		}
	}
	if len(d.Lines) == 0 {
		bad("no line (BR-16)")
	}
	ids := map[string]bool{}
	for i, l := range d.Lines {
		if l.ID == "" || ids[l.ID] {
			bad("line %d: identifier %q empty or repeated", i+1, l.ID)
		}
		ids[l.ID] = true
		if l.Name == "" || l.AmountCents <= 0 {
			bad("line %d (%s): needs a name and an amount above zero (BR-25, BR-FR-DEC-03)", i+1, l.ID)
		}
	}
	for i, a := range d.Allowances {
		if a.Reason == "" || a.AmountCents <= 0 {
			bad("allowance %d: needs a reason and an amount above zero (BR-33)", i+1)
		}
	}
	t, err := ComputeTotals(d)
	if err != nil {
		errs = append(errs, err)
		return t, errors.Join(errs...)
	}
	if t.AllowanceCents > t.LineCents {
		bad("allowances %s above the lines %s: a reduction is never more than the lines", amount(t.AllowanceCents), amount(t.LineCents))
	}
	if d.PrepaidCents < 0 || d.PrepaidCents > t.GrandCents {
		bad("amount settled %s outside 0..%s (the total with VAT)", amount(d.PrepaidCents), amount(t.GrandCents))
	}
	if e := d.Expect; e != nil {
		for _, c := range []struct {
			bt        string
			got, want int64
		}{{"BT-109 net HT", t.TaxBasisCents, e.NetHTCents}, {"BT-110 VAT", t.VATCents, e.VATCents},
			{"BT-112 total TTC", t.GrandCents, e.NetTTCCents}, {"BT-115 amount due", t.DueCents, e.DueCents}} {
			if c.got != c.want {
				bad("%s: the e-invoice computes %s, the ledger says %s", c.bt, amount(c.got), amount(c.want))
			}
		}
	}
	return t, errors.Join(errs...)
}

func date(t time.Time) int { y, m, d := t.Date(); return y*10000 + int(m)*100 + d }

// Marshal checks d (Check) and returns its CII XML.
func Marshal(d *Document) ([]byte, error) {
	var b bytes.Buffer
	if err := MarshalTo(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// MarshalTo checks d (Check) and appends its CII XML to b; nothing is appended when d is
// refused. A close writes 20 000 e-invoices of ~70 kB at workload L: a buffer of the caller's
// pool spares allocating (and collecting) each of them.
func MarshalTo(b *bytes.Buffer, d *Document) error {
	t, err := Check(d)
	if err != nil {
		return fmt.Errorf("einvoice %s: %w", d.Number, err)
	}
	x := &writer{b: b}
	// about 1.3 kB a line and 6 kB of the rest: the buffer is not grown and copied ten times
	b.Grow(8<<10 + 1400*len(d.Lines))
	x.document(d, t)
	return nil
}

// Write checks d (Check) and writes its CII XML to w. Nothing is written when d is refused.
func Write(w io.Writer, d *Document) error {
	var b bytes.Buffer
	if err := MarshalTo(&b, d); err != nil {
		return err
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("einvoice %s: %w", d.Number, err)
	}
	return nil
}

// amount formats cents as the CII wants: a point, two decimals, a leading minus when negative.
func amount(c int64) string {
	var buf [24]byte
	return string(appendAmount(buf[:0], c))
}

// appendAmount appends amount(c) to b.
func appendAmount(b []byte, c int64) []byte {
	u := uint64(c)
	if c < 0 {
		u = -u
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
}

// rate formats a rate in basis points as a percentage with two decimals: 2000 → 20.00.
func rate(bp int64) string { return amount(bp) }

// writer is a small XML writer: elements in the order the CII schema wants them, text escaped.
type writer struct {
	b     *bytes.Buffer
	depth int
}

func (x *writer) indent() {
	if n := 2 * x.depth; n <= len(spaces) {
		x.b.WriteString(spaces[:n])
		return
	}
	for range x.depth {
		x.b.WriteString("  ")
	}
}

// spaces are the indentations of the first 16 levels.
const spaces = "                                "

// open writes <name attrs...> on a line of its own; attrs are name, value pairs.
func (x *writer) open(name string, attrs ...string) {
	x.indent()
	x.b.WriteByte('<')
	x.b.WriteString(name)
	x.attrs(attrs)
	x.b.WriteString(">\n")
	x.depth++
}

func (x *writer) close(name string) {
	x.depth--
	x.indent()
	x.end(name)
}

// end writes </name> and the end of the line.
func (x *writer) end(name string) {
	x.b.WriteString("</")
	x.b.WriteString(name)
	x.b.WriteString(">\n")
}

func (x *writer) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		x.b.WriteByte(' ')
		x.b.WriteString(attrs[i])
		x.b.WriteString(`="`)
		x.text(attrs[i+1])
		x.b.WriteByte('"')
	}
}

// text writes s escaped as encoding/xml's EscapeText escapes it. A text EscapeText leaves as it
// is (no « " ' & < > », no control character, valid UTF-8 without U+FFFE or U+FFFF: codes,
// amounts, dates, most names) is written as it is, without EscapeText's copy and rune decoding.
func (x *writer) text(s string) {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			ascii = false
		case c < 0x20, c == '"', c == '\'', c == '&', c == '<', c == '>':
			xml.EscapeText(x.b, []byte(s)) //nolint:errcheck // a bytes.Buffer does not fail
			return
		}
	}
	if !ascii && (!utf8.ValidString(s) || strings.Contains(s, "\uFFFE") || strings.Contains(s, "\uFFFF")) {
		xml.EscapeText(x.b, []byte(s)) //nolint:errcheck // a bytes.Buffer does not fail
		return
	}
	x.b.WriteString(s)
}

// leaf writes <name attrs...>text</name>.
func (x *writer) leaf(name, text string, attrs ...string) {
	x.indent()
	x.b.WriteByte('<')
	x.b.WriteString(name)
	x.attrs(attrs)
	x.b.WriteByte('>')
	x.text(text)
	x.end(name)
}

// dateTime writes a <name> holding a udt:DateTimeString of format 102 (AAAAMMJJ).
func (x *writer) dateTime(name string, t time.Time) {
	x.open(name)
	x.leaf("udt:DateTimeString", t.Format("20060102"), "format", "102")
	x.close(name)
}

func (x *writer) document(d *Document, t Totals) {
	x.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.open("rsm:CrossIndustryInvoice",
		"xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
		"xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
		"xmlns:ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
		"xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100")
	x.context()
	x.exchanged(d)
	x.open("rsm:SupplyChainTradeTransaction")
	for _, l := range d.Lines {
		x.line(l, d.VAT)
	}
	x.agreementAndDelivery(d)
	x.settlement(d, t)
	x.close("rsm:SupplyChainTradeTransaction")
	x.close("rsm:CrossIndustryInvoice")
}

// context writes the document context: the billing framework (BT-23) and the profile (BT-24).
func (x *writer) context() {
	x.open("rsm:ExchangedDocumentContext")
	x.open("ram:BusinessProcessSpecifiedDocumentContextParameter")
	x.leaf("ram:ID", BillingFramework)
	x.close("ram:BusinessProcessSpecifiedDocumentContextParameter")
	x.open("ram:GuidelineSpecifiedDocumentContextParameter")
	x.leaf("ram:ID", Profile)
	x.close("ram:GuidelineSpecifiedDocumentContextParameter")
	x.close("rsm:ExchangedDocumentContext")
}

// exchanged writes the document's number, type, issue date and notes.
func (x *writer) exchanged(d *Document) {
	x.open("rsm:ExchangedDocument")
	x.leaf("ram:ID", d.Number)
	x.leaf("ram:TypeCode", string(d.Type))
	x.dateTime("ram:IssueDateTime", d.IssueDate)
	for _, n := range d.Notes {
		x.open("ram:IncludedNote")
		x.leaf("ram:Content", n.Text)
		if n.Subject != "" {
			x.leaf("ram:SubjectCode", n.Subject)
		}
		x.close("ram:IncludedNote")
	}
	x.close("rsm:ExchangedDocument")
}

// agreementAndDelivery writes the seller and the buyer, and the delivery date (the period's
// last day).
func (x *writer) agreementAndDelivery(d *Document) {
	x.open("ram:ApplicableHeaderTradeAgreement")
	x.party("ram:SellerTradeParty", d.Seller, true)
	x.party("ram:BuyerTradeParty", d.Buyer, false)
	x.close("ram:ApplicableHeaderTradeAgreement")
	x.open("ram:ApplicableHeaderTradeDelivery")
	if !d.PeriodEnd.IsZero() {
		// BT-72: the services were rendered during the period; its last day (an empty element
		// here is PEPPOL-EN16931-R008's warning)
		x.open("ram:ActualDeliverySupplyChainEvent")
		x.open("ram:OccurrenceDateTime")
		x.leaf("udt:DateTimeString", d.PeriodEnd.Format("20060102"), "format", "102")
		x.close("ram:OccurrenceDateTime")
		x.close("ram:ActualDeliverySupplyChainEvent")
	}
	x.close("ram:ApplicableHeaderTradeDelivery")
}

// settlement writes the payment reference, currency and means, the VAT breakdown, the period,
// the allowances, the payment terms and the totals.
func (x *writer) settlement(d *Document, t Totals) {
	x.open("ram:ApplicableHeaderTradeSettlement")
	x.leaf("ram:PaymentReference", d.Number) // BT-83: the remittance text of the bank file
	x.leaf("ram:InvoiceCurrencyCode", "EUR")
	if d.PayeeIBAN != "" {
		x.open("ram:SpecifiedTradeSettlementPaymentMeans")
		x.leaf("ram:TypeCode", "58") // SEPA credit transfer
		x.open("ram:PayeePartyCreditorFinancialAccount")
		x.leaf("ram:IBANID", d.PayeeIBAN)
		if d.PayeeAccountName != "" {
			x.leaf("ram:AccountName", d.PayeeAccountName)
		}
		x.close("ram:PayeePartyCreditorFinancialAccount")
		x.close("ram:SpecifiedTradeSettlementPaymentMeans")
	}
	x.vatBreakdown(d, t)
	if !d.PeriodStart.IsZero() {
		x.open("ram:BillingSpecifiedPeriod")
		x.dateTime("ram:StartDateTime", d.PeriodStart)
		x.dateTime("ram:EndDateTime", d.PeriodEnd)
		x.close("ram:BillingSpecifiedPeriod")
	}
	for _, a := range d.Allowances {
		x.open("ram:SpecifiedTradeAllowanceCharge")
		x.open("ram:ChargeIndicator")
		x.leaf("udt:Indicator", "false")
		x.close("ram:ChargeIndicator")
		x.leaf("ram:ActualAmount", amount(a.AmountCents))
		x.leaf("ram:Reason", a.Reason)
		x.tax("ram:CategoryTradeTax", d.VAT)
		x.close("ram:SpecifiedTradeAllowanceCharge")
	}
	if d.PaymentTerms != "" || !d.DueDate.IsZero() {
		x.open("ram:SpecifiedTradePaymentTerms")
		if d.PaymentTerms != "" {
			x.leaf("ram:Description", d.PaymentTerms)
		}
		if !d.DueDate.IsZero() {
			x.dateTime("ram:DueDateDateTime", d.DueDate)
		}
		x.close("ram:SpecifiedTradePaymentTerms")
	}
	x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
	x.leaf("ram:LineTotalAmount", amount(t.LineCents))
	x.leaf("ram:ChargeTotalAmount", amount(0))
	x.leaf("ram:AllowanceTotalAmount", amount(t.AllowanceCents))
	x.leaf("ram:TaxBasisTotalAmount", amount(t.TaxBasisCents))
	x.leaf("ram:TaxTotalAmount", amount(t.VATCents), "currencyID", "EUR")
	x.leaf("ram:GrandTotalAmount", amount(t.GrandCents))
	x.leaf("ram:TotalPrepaidAmount", amount(t.PrepaidCents))
	x.leaf("ram:DuePayableAmount", amount(t.DueCents))
	x.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
	x.close("ram:ApplicableHeaderTradeSettlement")
}

// vatBreakdown writes the document's one VAT breakdown (BG-23).
func (x *writer) vatBreakdown(d *Document, t Totals) {
	x.open("ram:ApplicableTradeTax")
	x.leaf("ram:CalculatedAmount", amount(t.VATCents))
	x.leaf("ram:TypeCode", "VAT")
	if d.VAT.Exemption != "" {
		x.leaf("ram:ExemptionReason", d.VAT.Exemption)
	}
	x.leaf("ram:BasisAmount", amount(t.TaxBasisCents))
	x.leaf("ram:CategoryCode", d.VAT.Category)
	if d.VAT.ExemptionCode != "" {
		x.leaf("ram:ExemptionReasonCode", d.VAT.ExemptionCode)
	}
	if d.VAT.Category == "S" {
		x.leaf("ram:DueDateTypeCode", "72") // BT-8: VAT due on payment (services)
	}
	x.leaf("ram:RateApplicablePercent", rate(d.VAT.RateBP))
	x.close("ram:ApplicableTradeTax")
}

// tax writes a VAT category without amounts (a line's or an allowance's).
func (x *writer) tax(name string, v VAT) {
	x.open(name)
	x.leaf("ram:TypeCode", "VAT")
	x.leaf("ram:CategoryCode", v.Category)
	x.leaf("ram:RateApplicablePercent", rate(v.RateBP))
	x.close(name)
}

func (x *writer) line(l Line, v VAT) {
	x.open("ram:IncludedSupplyChainTradeLineItem")
	x.open("ram:AssociatedDocumentLineDocument")
	x.leaf("ram:LineID", l.ID)
	x.close("ram:AssociatedDocumentLineDocument")
	x.open("ram:SpecifiedTradeProduct")
	x.leaf("ram:Name", l.Name)
	if l.Description != "" {
		x.leaf("ram:Description", l.Description)
	}
	x.close("ram:SpecifiedTradeProduct")
	x.open("ram:SpecifiedLineTradeAgreement")
	x.open("ram:NetPriceProductTradePrice")
	x.leaf("ram:ChargeAmount", amount(l.AmountCents))
	x.close("ram:NetPriceProductTradePrice")
	x.close("ram:SpecifiedLineTradeAgreement")
	x.open("ram:SpecifiedLineTradeDelivery")
	x.leaf("ram:BilledQuantity", "1", "unitCode", "C62")
	x.close("ram:SpecifiedLineTradeDelivery")
	x.open("ram:SpecifiedLineTradeSettlement")
	x.tax("ram:ApplicableTradeTax", v)
	x.open("ram:SpecifiedTradeSettlementLineMonetarySummation")
	x.leaf("ram:LineTotalAmount", amount(l.AmountCents))
	x.close("ram:SpecifiedTradeSettlementLineMonetarySummation")
	x.close("ram:SpecifiedLineTradeSettlement")
	x.close("ram:IncludedSupplyChainTradeLineItem")
}

// party writes a seller or buyer: SIRET (global id, scheme 0009), name, SIREN (legal
// organisation, scheme 0002), address, electronic address (the SIREN, scheme 0225), VAT number
// (VA) and, for a seller, the tax registration (FC).
func (x *writer) party(name string, p Party, seller bool) {
	siren := SIREN(p.SIRET)
	x.open(name)
	x.leaf("ram:GlobalID", p.SIRET, "schemeID", "0009")
	x.leaf("ram:Name", p.Name)
	x.open("ram:SpecifiedLegalOrganization")
	x.leaf("ram:ID", siren, "schemeID", "0002")
	x.close("ram:SpecifiedLegalOrganization")
	x.open("ram:PostalTradeAddress")
	a := p.Address
	if a.Postcode != "" {
		x.leaf("ram:PostcodeCode", a.Postcode)
	}
	for i, l := range a.Lines {
		if i < 3 {
			x.leaf([]string{"ram:LineOne", "ram:LineTwo", "ram:LineThree"}[i], l)
		}
	}
	if a.City != "" {
		x.leaf("ram:CityName", a.City)
	}
	x.leaf("ram:CountryID", a.Country)
	x.close("ram:PostalTradeAddress")
	x.open("ram:URIUniversalCommunication")
	x.leaf("ram:URIID", siren, "schemeID", "0225")
	x.close("ram:URIUniversalCommunication")
	if p.VATID != "" {
		x.open("ram:SpecifiedTaxRegistration")
		x.leaf("ram:ID", p.VATID, "schemeID", "VA")
		x.close("ram:SpecifiedTaxRegistration")
	}
	if seller && p.TaxRegistration != "" {
		x.open("ram:SpecifiedTaxRegistration")
		x.leaf("ram:ID", p.TaxRegistration, "schemeID", "FC")
		x.close("ram:SpecifiedTaxRegistration")
	}
	x.close(name)
}
