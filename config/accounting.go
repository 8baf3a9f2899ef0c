package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"savbilling/accounting"
)

// Accounting is the [accounting] table: the accounting file's chart (docs/accounting.md). Each
// account key is « number » or « number label » (« 4458 TVA à régulariser »), each journal key
// « code » or « code label »: a number alone keeps the default label. A blank key keeps the
// default of accounting.DefaultConfig().
type Accounting struct {
	FiscalYearFirstMonth int    `toml:"fiscal_year_first_month"` // 1..12; 0: January
	AuxPrefix            string `toml:"aux_prefix"`              // CompAuxNum = prefix + id on 6 digits

	Purchases           string `toml:"purchases"`
	PurchaseReductions  string `toml:"purchase_reductions"`
	VATDeductible       string `toml:"vat_deductible"`
	Payable             string `toml:"payable"`
	PlanReceivable      string `toml:"plan_receivable"`
	Receivable          string `toml:"receivable"`
	DebitNoteReceivable string `toml:"debit_note_receivable"`
	ReinvoicedCosts     string `toml:"reinvoiced_costs"`
	VATCollected        string `toml:"vat_collected"`
	IndemnityIncome     string `toml:"indemnity_income"`
	OpeningBalance      string `toml:"opening_balance"`

	JournalPurchases string `toml:"journal_purchases"`
	JournalSales     string `toml:"journal_sales"`
	JournalMisc      string `toml:"journal_misc"`
	JournalOpening   string `toml:"journal_opening"`
}

var (
	accountRE = regexp.MustCompile(`^[0-9][0-9A-Z]{2,19}$`)
	codeRE    = regexp.MustCompile(`^[A-Z0-9]{1,20}$`)
	prefixRE  = regexp.MustCompile(`^[A-Z0-9]{0,10}$`)
)

// AccountingValue returns the accounting configuration: the defaults with every key set put over
// them, or an error naming the first invalid key.
func (c Config) AccountingValue() (accounting.Config, error) {
	a := c.Accounting
	out := accounting.DefaultConfig()
	if a.FiscalYearFirstMonth < 0 || a.FiscalYearFirstMonth > 12 {
		return out, fmt.Errorf("accounting.fiscal_year_first_month: want 1 (January) to 12, got %d", a.FiscalYearFirstMonth)
	}
	if a.FiscalYearFirstMonth > 0 {
		out.FiscalYearFirstMonth = time.Month(a.FiscalYearFirstMonth)
	}
	if a.AuxPrefix != "" {
		if !prefixRE.MatchString(a.AuxPrefix) {
			return out, fmt.Errorf("accounting.aux_prefix: %q: want up to 10 capital letters or digits", a.AuxPrefix)
		}
		out.AuxPrefix = a.AuxPrefix
	}
	x := &out.Accounts
	for _, f := range []struct {
		key, v string
		dst    *accounting.Account
	}{{"purchases", a.Purchases, &x.Purchases}, {"purchase_reductions", a.PurchaseReductions, &x.PurchaseReductions},
		{"vat_deductible", a.VATDeductible, &x.VATDeductible}, {"payable", a.Payable, &x.Payable},
		{"plan_receivable", a.PlanReceivable, &x.PlanReceivable}, {"receivable", a.Receivable, &x.Receivable},
		{"debit_note_receivable", a.DebitNoteReceivable, &x.DebitNoteReceivable},
		{"reinvoiced_costs", a.ReinvoicedCosts, &x.ReinvoicedCosts}, {"vat_collected", a.VATCollected, &x.VATCollected},
		{"indemnity_income", a.IndemnityIncome, &x.IndemnityIncome}, {"opening_balance", a.OpeningBalance, &x.OpeningBalance}} {
		num, lib := split(f.v)
		if num == "" {
			continue
		}
		if !accountRE.MatchString(num) {
			return out, fmt.Errorf("accounting.%s: account %q: want a chart number starting with a digit (« 604 » or « 604 Label »)", f.key, num)
		}
		if num != f.dst.Num && lib == "" {
			lib = "Compte " + num
		}
		f.dst.Num = num
		if lib != "" {
			f.dst.Lib = lib
		}
	}
	j := &out.Journals
	seen := map[string]string{}
	for _, f := range []struct {
		key, v string
		dst    *accounting.Journal
	}{{"journal_purchases", a.JournalPurchases, &j.Purchases}, {"journal_sales", a.JournalSales, &j.Sales},
		{"journal_misc", a.JournalMisc, &j.Misc}, {"journal_opening", a.JournalOpening, &j.Opening}} {
		code, lib := split(f.v)
		if code != "" {
			if !codeRE.MatchString(code) {
				return out, fmt.Errorf("accounting.%s: journal code %q: want 1 to 20 capital letters or digits", f.key, code)
			}
			f.dst.Code = code
			if lib != "" {
				f.dst.Lib = lib
			}
		}
		if other, dup := seen[f.dst.Code]; dup {
			return out, fmt.Errorf("accounting.%s: journal code %q is also %s's: each journal needs its own code (its numbering is its own)", f.key, f.dst.Code, other)
		}
		seen[f.dst.Code] = f.key
	}
	return out, nil
}

// split reads « number label » into the number and the label (both trimmed).
func split(v string) (first, rest string) {
	v = strings.TrimSpace(v)
	first, rest, _ = strings.Cut(v, " ")
	return first, strings.TrimSpace(rest)
}
