package accounting

import "time"

// Account is an account of the chart (plan comptable général): its number and its label, as
// the FEC writes them (CompteNum, CompteLib).
type Account struct {
	Num string
	Lib string
}

// Journal is a journal of the books: its code and label (JournalCode, JournalLib).
type Journal struct {
	Code string
	Lib  string
}

// Accounts are the accounts the posting scheme uses. Every one is configuration; the defaults
// (DefaultConfig) are the French PCG accounts an accountant expects, explained in
// docs/accounting.md.
type Accounts struct {
	Purchases           Account // commissions: purchase of the repairers' services (debit)
	PurchaseReductions  Account // SAV charges: reductions obtained on those purchases (credit)
	VATDeductible       Account // VAT on the self-billed statements (debit)
	Payable             Account // what the network owes each repairer (credit), auxiliary per repairer
	PlanReceivable      Account // what a repairer owes on a plan (debit), auxiliary per repairer
	Receivable          Account // the network's invoices to a repairer (debit), auxiliary per repairer
	DebitNoteReceivable Account // the network's debit notes to a repairer (debit), auxiliary per repairer
	ReinvoicedCosts     Account // income of an overflow invoice: SAV costs re-invoiced (credit)
	VATCollected        Account // VAT on the network's invoices (credit)
	IndemnityIncome     Account // damage charged to repairers, outside the scope of VAT (credit)
	OpeningBalance      Account // counterpart of the balances carried from before (à-nouveaux)
}

// Journals are the journals the entries go to.
type Journals struct {
	Purchases Journal // the self-billed statements
	Sales     Journal // the network's invoices and debit notes
	Misc      Journal // set-offs, plans, installments
	Opening   Journal // à-nouveaux
}

// Config is the posting configuration: accounts, journals, the prefix of the repairers'
// auxiliary accounts (CompAuxNum = prefix + id on 6 digits: REP000042) and the first month of
// the fiscal year (numbering restarts each fiscal year).
type Config struct {
	Accounts             Accounts
	Journals             Journals
	AuxPrefix            string
	FiscalYearFirstMonth time.Month
}

// DefaultConfig returns the default accounts (PCG) and journals: see docs/accounting.md for why
// each account.
func DefaultConfig() Config {
	return Config{
		Accounts: Accounts{
			Purchases:           Account{"604", "Achats d'études et prestations de services"},
			PurchaseReductions:  Account{"6094", "Rabais, remises et ristournes obtenus sur achats d'études et prestations de services"},
			VATDeductible:       Account{"44566", "TVA déductible sur autres biens et services"},
			Payable:             Account{"401", "Fournisseurs"},
			PlanReceivable:      Account{"4671", "Autres comptes débiteurs : échéanciers des réparateurs"},
			Receivable:          Account{"411", "Clients"},
			DebitNoteReceivable: Account{"411", "Clients"},
			ReinvoicedCosts:     Account{"7088", "Autres produits d'activités annexes : coûts SAV refacturés"},
			VATCollected:        Account{"44571", "TVA collectée"},
			IndemnityIncome:     Account{"7588", "Produits divers de gestion courante : indemnités de dommages"},
			OpeningBalance:      Account{"890", "Bilan d'ouverture"},
		},
		Journals: Journals{
			Purchases: Journal{"ACH", "Achats (relevés d'autofacturation)"},
			Sales:     Journal{"VT", "Ventes (factures et notes de débit)"},
			Misc:      Journal{"OD", "Opérations diverses"},
			Opening:   Journal{"AN", "À-nouveaux"},
		},
		AuxPrefix:            "REP",
		FiscalYearFirstMonth: time.January,
	}
}

// FiscalYear returns the first and last days of the fiscal year that holds day, for a fiscal
// year starting on the 1st of firstMonth.
func FiscalYear(day time.Time, firstMonth time.Month) (first, last time.Time) {
	y := day.Year()
	if day.Month() < firstMonth {
		y--
	}
	first = time.Date(y, firstMonth, 1, 0, 0, 0, 0, day.Location())
	return first, first.AddDate(1, 0, -1)
}
