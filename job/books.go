package job

import (
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/accounting"
	"savbilling/accounting/fectest"
	"savbilling/bank"
	"savbilling/internal/atomicfile"
	"savbilling/reports"
	"savbilling/store"
)

// The names of issue 23's renderers.
const (
	RendererBank       = "bank"
	RendererAccounting = "accounting"
)

// Bank is the Renderer of the period's SEPA credit transfer file, bank/virements-YYYY-MM.xml
// (docs/payments.md): one transfer per statement that bank.Split pays. A draft, a period closed
// before the file existed (no accounting numbering in the ledger) and a period that pays no
// statement by the file write none.
func Bank() Renderer { return bankRenderer{} }

type bankRenderer struct{}

func (bankRenderer) Name() string { return RendererBank }

// BankFileName is the transfer file's path in a period's folder.
func BankFileName(p sb.Period) string { return "bank/virements-" + p.String() + ".xml" }

func (bankRenderer) Render(ctx context.Context, dir string, l *Ledger, _ *sb.Totals) ([]File, error) {
	if l.Book.Draft || l.db == nil {
		return nil, nil
	}
	if _, ok, err := l.db.LoadFECNumbers(ctx, l.Book.Period); err != nil || !ok {
		return nil, err // a period closed before issue 23: it never gets a bank file
	}
	paid, _, err := Payments(ctx, l)
	if err != nil || len(paid) == 0 {
		return nil, err
	}
	data, err := bank.Render(BankMessage(l.Book, paid))
	if err != nil {
		return nil, err
	}
	f, err := writeFile(dir, BankFileName(l.Book.Period), data)
	if err != nil {
		return nil, err
	}
	return []File{f}, nil
}

// BankMessage is the transfer file of book b paying the transfers paid: its id names the period,
// its creation time is the close's (so a render writes the same bytes), the debtor is the network.
func BankMessage(b *sb.Book, paid []bank.Transfer) bank.Message {
	return bank.Message{MessageID: "SAVB-VIR-" + b.Period.String(), Created: b.ClosedAt.In(sb.Paris),
		Debtor: Debtor(b.Issuer), Transfers: paid}
}

// Debtor is the network as the transfer file's debtor: its name, IBAN and BIC, and its structured
// address (structured).
func Debtor(is sb.Issuer) bank.Party {
	street, postcode, town := structured(is.Address, is.Postcode, is.City)
	return bank.Party{Name: is.Name, Street: street, Postcode: postcode, Town: town, Country: is.CountryCode,
		IBAN: is.IBAN, BIC: is.BIC}
}

// Creditor is a repairer as a transfer's creditor, from their frozen identity (structured).
func Creditor(r sb.Party) bank.Party {
	street, postcode, town := structured(r.Address, r.Postcode, r.City)
	return bank.Party{Name: r.Name, Street: street, Postcode: postcode, Town: town, Country: r.CountryCode,
		IBAN: r.IBAN, BIC: r.BIC}
}

// structured is the structured form of an address: when its last line is « postcode town »
// (bank.SplitFrenchAddress), the street is the lines before it; the postcode and town are the
// given ones (the optional columns, the network's keys), else that last line's. An address that
// does not end so is the street whole, its line breaks written « , ».
func structured(address, postcode, town string) (string, string, string) {
	street, pc, t, ok := bank.SplitFrenchAddress(address)
	if !ok {
		street = strings.Join(strings.Fields(strings.ReplaceAll(address, "\n", ", ")), " ")
	}
	if postcode == "" && town == "" {
		postcode, town = pc, t
	}
	return street, postcode, town
}

// Transfer is the transfer of one statement: its Net à payer to its repairer on its payment date,
// referenced by its number.
func Transfer(s *sb.Statement) bank.Transfer {
	return bank.Transfer{Ref: s.Number, AmountCents: s.PayableCents, Creditor: Creditor(s.Repairer), ExecutionDate: s.PaymentOn}
}

// NetworkCannotPay is the reason the Paiements sheet gives when the network's own account (its
// IBAN, BIC, name or address in its identity) cannot pay any transfer: the period then has no
// transfer file.
const NetworkCannotPay = "compte du réseau inutilisable"

// Payments decides, statement by statement, whether the period's transfer file pays it
// (bank.Split): paid are the file's transfers, rows the Paiements sheet's, one per statement in
// order. The bank file and the sheet both come from here, so they cannot disagree.
func Payments(ctx context.Context, l *Ledger) (paid []bank.Transfer, rows []reports.Payment, err error) {
	file := ""
	if !l.Book.Draft {
		file = BankFileName(l.Book.Period)
	}
	// The network's own account must be able to pay: else no statement is paid by the file, and
	// each row says why (never an invalid file).
	var network []string
	for _, p := range bank.Check(Debtor(l.Book.Issuer), 1) {
		network = append(network, "compte du réseau : "+p.Detail+" (corriger l'identité du réseau : network.iban, network.bic, network.address)")
	}
	err = l.EachStatement(ctx, store.RowsOnly, func(s *sb.Statement) error {
		ok, unpaid := bank.Split([]bank.Transfer{Transfer(s)})
		row := reports.Payment{RepairerID: s.Repairer.ID, Name: s.Repairer.Name, Statement: s.Number, PaymentOn: s.PaymentOn,
			PayableCents: s.PayableCents, IBAN: s.Repairer.IBAN, BIC: s.Repairer.BIC}
		var reasons, details []string
		if len(ok) == 0 {
			reasons = append(reasons, unpaid[0].Labels())
			for _, p := range unpaid[0].Problems {
				details = append(details, p.Detail)
			}
		}
		if len(network) > 0 {
			reasons = append(reasons, NetworkCannotPay)
			details = append(details, network...)
		}
		if len(reasons) == 0 {
			paid = append(paid, ok[0])
			row.Paid, row.File = true, file
		}
		row.Reasons, row.Detail = strings.Join(reasons, " ; "), strings.Join(details, " ; ")
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return paid, rows, nil
}

// payments is the Paiements sheet of a workbook (reports.PaymentsSource): a draft's and a period
// closed with issue 23's outputs have it; a period closed before keeps the workbook it issued.
func (l *Ledger) payments(ctx context.Context) ([]reports.Payment, bool, error) {
	if !l.Book.Draft && l.db != nil {
		if _, ok, err := l.db.LoadFECNumbers(ctx, l.Book.Period); err != nil || !ok {
			return nil, false, err
		}
	}
	_, rows, err := Payments(ctx, l)
	return rows, err == nil, err
}

// withPayments is a workbook source with the Paiements sheet.
type withPayments struct {
	reports.Source
	l *Ledger
}

// Payments are the ledger's (Ledger.payments).
func (w withPayments) Payments(ctx context.Context) ([]reports.Payment, bool, error) {
	return w.l.payments(ctx)
}

// Accounting is the Renderer of the period's accounting file, accounting/<SIREN>FEC<AAAAMMJJ>.txt
// (docs/accounting.md), numbered as the close recorded in the ledger. Before writing, it checks
// the file with fectest and reconciles it to the workbook's figures: a finding is a bug, and the
// render fails rather than issue books that do not match the workbook. A draft, a month without any entry and a period closed
// before the file existed write none.
func Accounting(cfg accounting.Config) Renderer { return accountingRenderer{cfg} }

type accountingRenderer struct{ cfg accounting.Config }

func (accountingRenderer) Name() string { return RendererAccounting }

// FaultFEC, when set, changes the accounting file between its writing and its check: set only by
// tests and by the binary built with -tags faultinject (SAVBILLING_FAULT_FEC), to show that a
// file the checker refuses fails the run. nil in production.
var FaultFEC func([]byte) []byte

func (a accountingRenderer) Render(ctx context.Context, dir string, l *Ledger, _ *sb.Totals) ([]File, error) {
	if l.Book.Draft || l.db == nil {
		return nil, nil
	}
	p := l.Book.Period
	cfg := orDefault(a.cfg)
	nums, ok, err := l.db.LoadFECNumbers(ctx, p)
	if err != nil || !ok {
		return nil, err // a period closed before issue 23: it never gets an accounting file
	}
	var opening []store.OpenBalance
	if nums.Opening {
		if opening, err = l.db.OpenBalances(ctx, p); err != nil {
			return nil, err
		}
	}
	ap, figs, err := accountingPeriod(ctx, l.Book, cfg.AuxPrefix, l.EachStatement, opening)
	if err != nil {
		return nil, err
	}
	entries, err := accounting.Post(ap, cfg)
	if err != nil {
		return nil, err
	}
	numbered, last := accounting.Number(entries, cfg, nums.Prev)
	for _, code := range journalCodes(cfg) {
		if last[code] != nums.Last[code] {
			return nil, fmt.Errorf("accounting file of %s: journal %s ends at number %d, the close recorded %d "+
				"(the accounting configuration's journals changed since the close, or a bug): nothing was written",
				p, code, last[code], nums.Last[code])
		}
	}
	if len(numbered) == 0 {
		return nil, nil // a month without any entry (no statement, no document) writes no file
	}
	data, err := accounting.Render(numbered, cfg, ap.Validated)
	if err != nil {
		return nil, err
	}
	if FaultFEC != nil {
		data = FaultFEC(data)
	}
	if err := verifyFEC(data, cfg, ap.LastDay, nums.Prev, figs); err != nil {
		return nil, fmt.Errorf("accounting file of %s: %w", p, err)
	}
	name, err := accounting.FileName(sb.SIREN(l.Book.Issuer.SIRET), ap.LastDay)
	if err != nil {
		return nil, err
	}
	f, err := writeFile(dir, "accounting/"+name, data)
	if err != nil {
		return nil, err
	}
	return []File{f}, nil
}

// verifyFEC checks the file as fectest reads it, on its own: the format of article A47 A-1 with
// the numbering continuing prev, and the reconciliation of its movements (à-nouveaux left out)
// to the workbook's figures.
func verifyFEC(data []byte, cfg accounting.Config, lastDay time.Time, prev map[string]int, figs figures) error {
	first, fyLast := accounting.FiscalYear(lastDay, cfg.FiscalYearFirstMonth)
	firstNum := map[string]int{}
	for _, code := range journalCodes(cfg) {
		firstNum[code] = prev[code] + 1
	}
	if fs := fectest.Check(data, fectest.Options{FiscalYearFirst: first, FiscalYearLast: fyLast, FirstNum: firstNum}); len(fs) > 0 {
		return fmt.Errorf("the FEC checker finds %d problem(s), a bug: nothing was written:\n%s", len(fs), fectest.String(fs))
	}
	lines, _ := fectest.Parse(data)
	mov := fectest.Movements(lines, cfg.Journals.Opening.Code)
	acc := cfg.Accounts
	receivables := []string{acc.PlanReceivable.Num, acc.Receivable.Num, acc.DebitNoteReceivable.Num}
	// per repairer, on the movements of their auxiliary account only (Reconcile scans the
	// movements it is given for each figure)
	byAux := map[string]map[fectest.Key]int64{}
	for k, v := range mov {
		if k.Aux == "" {
			continue
		}
		if byAux[k.Aux] == nil {
			byAux[k.Aux] = map[fectest.Key]int64{}
		}
		byAux[k.Aux][k] = v
	}
	var fs []fectest.Finding
	for _, r := range figs.repairers {
		fs = append(fs, fectest.Reconcile(byAux[r.Aux], fectest.RepairerExpects(r, acc.Payable.Num, receivables))...)
		delete(byAux, r.Aux)
	}
	for aux, m := range byAux { // an auxiliary account no figure of the workbook names
		for k, v := range m {
			if v != 0 {
				fs = append(fs, fectest.Finding{Msg: fmt.Sprintf("account %s %s moves %d cents, the workbook names no such repairer", k.Account, aux, v)})
			}
		}
	}
	fs = append(fs, fectest.Reconcile(mov, []fectest.Expect{
		{What: "TVA déductible (" + acc.VATDeductible.Num + ")", Accounts: []string{acc.VATDeductible.Num}, Aux: "*", Want: figs.vatDeductible},
		{What: "TVA collectée (" + acc.VATCollected.Num + ")", Accounts: []string{acc.VATCollected.Num}, Aux: "*", Want: -figs.vatCollected}})...)
	if len(fs) > 0 {
		return fmt.Errorf("the entries do not reconcile to the workbook, a bug: nothing was written:\n%s", fectest.String(fs))
	}
	return nil
}

// figures are the workbook's figures the accounting file must reconcile to (Aux: the repairer's
// auxiliary account).
type figures struct {
	repairers     []fectest.RepairerFigures // by repairer id
	vatDeductible int64                     // the statements' VAT (Relevés, TVA)
	vatCollected  int64                     // the invoices' VAT (Factures, TVA)
}

// orDefault is cfg, or the default chart when cfg is the zero value.
func orDefault(cfg accounting.Config) accounting.Config {
	if cfg.Journals.Purchases.Code == "" {
		return accounting.DefaultConfig()
	}
	return cfg
}

func journalCodes(cfg accounting.Config) []string {
	j := cfg.Journals
	return []string{j.Opening.Code, j.Purchases.Code, j.Sales.Code, j.Misc.Code}
}

// lastDay is the last day of period p (every entry's EcritureDate).
func lastDay(p sb.Period) time.Time { return time.Date(p.Year, p.Month+1, 0, 0, 0, 0, 0, time.UTC) }

// accountingPeriod turns book b (its head; each gives its statements) and the balances carried
// from before into what accounting.Post books, with the workbook's figures to reconcile to.
func accountingPeriod(ctx context.Context, b *sb.Book, auxPrefix string, each func(context.Context, store.Lines, func(*sb.Statement) error) error,
	opening []store.OpenBalance) (accounting.Period, figures, error) {
	ap := accounting.Period{LastDay: lastDay(b.Period), Validated: b.IssuedOn}
	byRep := map[int64]*fectest.RepairerFigures{}
	aux := func(id int64) *fectest.RepairerFigures {
		f := byRep[id]
		if f == nil {
			f = &fectest.RepairerFigures{Aux: fmt.Sprintf("%s%06d", auxPrefix, id)}
			byRep[id] = f
		}
		return f
	}
	var figs figures
	err := each(ctx, store.RowsOnly, func(s *sb.Statement) error {
		ap.Statements = append(ap.Statements, accounting.Statement{
			Number: s.Number, Date: s.IssuedOn, Repairer: accounting.Repairer{ID: s.Repairer.ID, Name: s.Repairer.Name},
			Commissions: s.GrossCents, Reductions: s.ReductionsCents, ReductionOverflow: s.ReductionOverflowCents,
			InstallmentReductions: s.InstallmentsReductionCents(), NetHT: s.NetHTCents, VAT: s.VATCents, NetTTC: s.NetTTCCents,
			Indemnities: s.IndemnitiesCents, IndemnityOverflow: s.IndemnityOverflowCents,
			InstallmentIndemnities: s.InstallmentsIndemnityCents, Payable: s.PayableCents,
			OverflowInvoiced: s.OverflowCents > 0 && s.SpreadCents == 0, PlanID: planOf(s, b.Period),
		})
		f := aux(s.Repairer.ID)
		f.Payable += s.PayableCents
		f.PlansCreated += s.SpreadCents
		f.InstallmentsCollected += s.InstallmentsCents
		figs.vatDeductible += s.VATCents
		return nil
	})
	if err != nil {
		return ap, figs, err
	}
	for _, v := range b.Invoices {
		d := accounting.Document{Kind: accounting.KindInvoice, Number: v.Number, Date: v.IssuedOn,
			Repairer: accounting.Repairer{ID: v.Repairer.ID, Name: v.Repairer.Name}, VAT: v.VATCents}
		f := aux(v.Repairer.ID)
		if v.DebitNote() {
			d.Kind = accounting.KindDebitNote
			f.DebitNotes += v.TTCCents
		} else {
			f.InvoicesTTC += v.TTCCents
			figs.vatCollected += v.VATCents
		}
		for _, ln := range v.Lines {
			if ln.Kind == sb.InvoicePlanBalance {
				d.PlanBalanceHT += ln.AmountCents
				f.PlansClosed += ln.AmountCents
			} else {
				d.OverflowHT += ln.AmountCents
			}
		}
		ap.Documents = append(ap.Documents, d)
	}
	for _, o := range opening {
		op := accounting.Opening{Repairer: accounting.Repairer{ID: o.RepairerID, Name: o.Name}, Ref: o.Ref, Date: o.Date, Amount: o.AmountCents}
		switch o.Kind {
		case store.OpenPlan:
			op.Kind = accounting.OpeningPlan
		case store.OpenInvoice:
			op.Kind = accounting.OpeningInvoice
		default:
			op.Kind = accounting.OpeningDebitNote
		}
		if op.Date.IsZero() { // a plan whose creating statement is not in the ledger: dated by its period
			op.Date = ap.LastDay
		}
		ap.Opening = append(ap.Opening, op)
	}
	ids := make([]int64, 0, len(byRep))
	for id := range byRep {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		figs.repairers = append(figs.repairers, *byRep[id])
	}
	return ap, figs, nil
}

// planOf is the plan the statement's close created, "" when none.
func planOf(s *sb.Statement, p sb.Period) string {
	if s.SpreadCents > 0 {
		return sb.PlanID(s.Repairer.ID, p)
	}
	return ""
}

// bookAccounting numbers the period's accounting entries in the close's transaction, after
// SaveBook: per journal, from the last number of the fiscal year of the period's last day, and
// records the numbers so that every render of the period writes the same file. The first period
// so booked also carries the balances from before (à-nouveaux). A dry run books nothing.
func (j *Job) bookAccounting(ctx context.Context, tx *store.Tx, b *sb.Book) error {
	cfg := orDefault(j.Accounting)
	p := b.Period
	fyFirst, _ := accounting.FiscalYear(lastDay(p), cfg.FiscalYearFirstMonth)
	fy := fyFirst.Format("2006-01")
	booked, err := tx.AnyFEC(ctx)
	if err != nil {
		return err
	}
	var opening []store.OpenBalance
	if !booked {
		if opening, err = tx.OpenBalances(ctx, p); err != nil {
			return err
		}
	}
	each := func(_ context.Context, _ store.Lines, fn func(*sb.Statement) error) error {
		for i := range b.Statements {
			if err := fn(&b.Statements[i]); err != nil {
				return err
			}
		}
		return nil
	}
	ap, _, err := accountingPeriod(ctx, b, cfg.AuxPrefix, each, opening)
	if err != nil {
		return err
	}
	entries, err := accounting.Post(ap, cfg)
	if err != nil {
		return fmt.Errorf("accounting entries: %w", err)
	}
	prev, err := tx.FECLastNumbers(ctx, fy)
	if err != nil {
		return err
	}
	_, last := accounting.Number(entries, cfg, prev)
	n := store.FECNumbers{FiscalYear: fy, Opening: !booked, Prev: map[string]int{}, Last: map[string]int{}}
	for _, code := range journalCodes(cfg) {
		n.Prev[code], n.Last[code] = prev[code], last[code]
	}
	return tx.SaveFECNumbers(ctx, p, n)
}

// writeFile writes data atomically at rel (slash-separated) under dir.
func writeFile(dir, rel string, data []byte) (File, error) {
	w, err := atomicfile.Write(filepath.Join(dir, filepath.FromSlash(rel)), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return File{}, err
	}
	return File{Path: path.Clean(rel), Bytes: w.Bytes, SHA256: w.SHA256}, nil
}
