package job

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"savbilling/einvoice/einvoicetest"
	"savbilling/internal/dbtest"
	"savbilling/invoices"
	"savbilling/sample"
)

// The demo's November statement of R31 pays the first installment of a plan's reduction part
// (29,00 € of the 58,00 € spread in October, sample.Demo): its e-invoice carries it as a
// document-level allowance (BG-20: BT-92 = the installment, BT-97 its reason), the totals follow
// (lines 90,00 €, allowances 29,00 €, Net HT 61,00 €, VAT 12,20 €, due 73,20 €), the XML and
// the Factur-X PDF pass the validators, and the PDF shows the installment line.
func TestAReductionInstallmentIsAnAllowanceOfTheEInvoice(t *testing.T) {
	einvoicetest.NeedValidators(t)
	bin := pdftotext(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := dbtest.Open(t, e)
			j := newJob(t, db)
			j.Renderers = []Renderer{PDF(invoices.New(nil))}
			var res *Result
			for _, st := range sample.Demo(sep) {
				insertDemo(t, db, st)
				res = mustClose(t, j, st.Period)
			}
			if res.Period != nov {
				t.Fatalf("the demo's last month is %s, want %s", res.Period, nov)
			}
			b := booked(t, db, nov)
			s := b.StatementOf(31)
			if s == nil {
				t.Fatal("R31 has no November statement")
			}
			if s.InstallmentsReductionCents() != 2900 || s.GrossCents != 9000 || s.NetHTCents != 6100 ||
				s.VATCents != 1220 || s.PayableCents != 7320 || len(s.Installments) != 1 {
				t.Fatalf("%s: reduction installment %d, G %d, Net HT %d, VAT %d, payable %d, installments %+v; want 2900, 9000, 6100, 1220, 7320",
					s.Number, s.InstallmentsReductionCents(), s.GrossCents, s.NetHTCents, s.VATCents, s.PayableCents, s.Installments)
			}

			xmlPath := filepath.Join(res.Dir, filepath.FromSlash(invoices.EInvoicePath(s.Number)))
			pdfPath := filepath.Join(res.Dir, invoices.StatementsDir, s.Number+".pdf")
			data, err := os.ReadFile(xmlPath)
			if err != nil {
				t.Fatal(err)
			}
			x := regexp.MustCompile(`>\s+<`).ReplaceAllString(string(data), "><")
			allowances := regexp.MustCompile(`<ram:SpecifiedTradeAllowanceCharge>.*?</ram:SpecifiedTradeAllowanceCharge>`).FindAllString(x, -1)
			want := "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>" +
				"<ram:ActualAmount>29.00</ram:ActualAmount><ram:Reason>Échéances de plan, part réductions</ram:Reason>" +
				"<ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>" +
				"<ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:CategoryTradeTax></ram:SpecifiedTradeAllowanceCharge>"
			if len(allowances) != 1 || allowances[0] != want {
				t.Errorf("%s: allowances %q, want the one installment's:\n%s", s.Number, allowances, want)
			}
			for _, total := range []string{
				"<ram:LineTotalAmount>90.00</ram:LineTotalAmount>",           // BT-106
				"<ram:AllowanceTotalAmount>29.00</ram:AllowanceTotalAmount>", // BT-107
				"<ram:TaxBasisTotalAmount>61.00</ram:TaxBasisTotalAmount>",   // BT-109
				`<ram:TaxTotalAmount currencyID="EUR">12.20</ram:TaxTotalAmount>`,
				"<ram:GrandTotalAmount>73.20</ram:GrandTotalAmount>",
				"<ram:DuePayableAmount>73.20</ram:DuePayableAmount>", // BT-115: the Net à payer
			} {
				if !strings.Contains(x, total) {
					t.Errorf("%s: the e-invoice lacks %s", s.Number, total)
				}
			}

			dir := t.TempDir()
			for _, p := range []string{xmlPath, pdfPath} {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if out, ok := einvoicetest.Validate(t, dir); !ok {
				t.Errorf("validators:\n%s", strings.Join(einvoicetest.Failures(out), "\n"))
			}

			text := comparableText(t, bin, pdfPath, false)
			for _, w := range []string{
				"Échéances prélevées Échéancier Échéance Due Prélevée avant TVA Prélevée après TVA ECH-31-2026-10 1/2 29,00 € 29,00 € 0,00 € Total prélevé 29,00 €",
				"Échéances prélevées (part réductions) 29,00 € Net HT 61,00 € TVA 20 % 12,20 € Net TTC 73,20 €",
			} {
				if !strings.Contains(text, w) {
					t.Errorf("%s: the PDF does not read « %s »:\n%s", s.Number, w, text)
				}
			}
		})
	}
}
