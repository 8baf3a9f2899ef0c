package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/einvoice"
	"savbilling/frfmt"
	"savbilling/money"
)

func itoa(n int) string { return strconv.Itoa(n) }

// eur writes an amount in an anomaly's text, in euros (« 1 234,56 € »), never in cents.
func eur(cents int64) string { return frfmt.FormatEUR(cents) }

// Close computes everything the period books from the facts in given. The Book it returns is
// numbered (statements and invoices) from given.LastStatementSeq and given.LastInvoiceSeq; a dry run
// clears the numbers afterwards.
//
// Close works on a copy of *given, whose facts it forgets as soon as it has used them (the listed
// interventions after the commissions, the SAVs after their charges, the credits after the
// goodwill): when the caller keeps no other reference to them, a big month's facts are reclaimed
// while its statements are built, instead of being held beside them. *given is left whole.
//
// A repairer whose identity cannot make a valid e-invoice (einvoice.CheckParty: no SIRET, not 14
// digits, a country code outside ISO 3166-1…) is held whenever the period would issue them a
// REL- statement or a FAC- invoice (domain.md, "Documents"; docs/rules.md, the identity hold):
// Close then computes the period again without anything of theirs (their interventions, the
// SAVs charging them, their plans as they were), so that nothing of theirs is booked, no number
// is taken, and all of it stays eligible for the next close; one blocking anomaly says why and
// how to fix it. Holding one repairer may change another's statement: Close repeats until no
// new repairer is held (at most once per held repairer; a close without a hold computes once).
func Close(given *sb.CloseInput) (*sb.Book, error) {
	held := map[int64][]einvoice.Problem{}
	for {
		b, more, err := closeHolding(given, held)
		if err != nil {
			return nil, err
		}
		if len(more) == 0 {
			holdAnomalies(b, held)
			return b, nil
		}
		for id, p := range more {
			held[id] = p
		}
	}
}

// holdFix is the fix of each identity field CheckParty can refuse.
var holdFix = map[string]string{
	"name":         "renseigner repairers.name",
	"siret":        "renseigner repairers.siret (les 14 chiffres du SIRET, répertoire SIRENE)",
	"country_code": "corriger repairers.country_code (code ISO 3166-1 alpha-2 en majuscules : FR, BE…)",
	"vat_number":   "corriger repairers.vat_number (FR puis 11 chiffres, sans espace)",
}

// holdAnomalies adds one blocking anomaly per held repairer, in ascending id.
func holdAnomalies(b *sb.Book, held map[int64][]einvoice.Problem) {
	ids := make([]int64, 0, len(held))
	for id := range held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		var why, fix []string
		for _, p := range held[id] {
			why = append(why, p.Message)
			if f, ok := holdFix[p.Field]; ok && !slices.Contains(fix, f) {
				fix = append(fix, f)
			}
		}
		b.Anomalies = append(b.Anomalies, sb.Anomaly{Item: fmt.Sprintf("réparateur %d", id), RepairerID: id, Blocking: true,
			Reason: "relevé retenu, identité non facturable (facture électronique impossible) : " + strings.Join(why, " ; "),
			Fix:    strings.Join(fix, " ; ") + " : tout est repris à la clôture suivante"})
	}
}

// touchesHeld reports whether one of lines charges a held repairer.
func touchesHeld(lines []sb.SAVLine, held map[int64][]einvoice.Problem) bool {
	for _, l := range lines {
		if _, ok := held[l.RepairerID]; ok {
			return true
		}
	}
	return false
}

// closeHolding is Close with the repairers of held left out; more are the repairers, not yet
// held, whose identity cannot make the REL- or FAC- the period would issue them. It runs the
// steps of domain.md in their order, each a method of closing.
func closeHolding(given *sb.CloseInput, held map[int64][]einvoice.Problem) (*sb.Book, map[int64][]einvoice.Problem, error) {
	facts := *given
	in := &facts
	issued := sb.DayIn(in.ClosedAt, sb.Paris)
	c := &closing{in: in, held: held, issued: issued, acc: map[int64]*account{}, processed: map[int64]sb.SAVState{},
		b: &sb.Book{Period: in.Period, ClosedAt: in.ClosedAt, IssuedOn: issued, Issuer: in.Issuer, RulesVersion: sb.RulesVersion,
			EInvoiceVersion: sb.EInvoiceVersion}}
	if err := c.commissions(); err != nil {
		return nil, nil, err
	}
	c.savCharges()
	c.adjustments()
	in.SAVs, in.Changed = nil, nil
	c.credits()
	overrides := overridesByRepairer(in, &c.anoms)
	c.plans()
	more, err := c.statements(overrides)
	if err != nil {
		return nil, nil, err
	}
	b := c.b
	slices.SortFunc(b.Plans, func(x, y sb.Plan) int {
		return cmp.Or(x.CreatedIn.Index()-y.CreatedIn.Index(), cmp.Compare(x.RepairerID, y.RepairerID))
	})
	slices.SortFunc(b.Claims, func(x, y sb.Claim) int { return cmp.Compare(x.SAVID, y.SAVID) })
	b.Anomalies = c.anoms
	return b, more, nil
}

// closing is one computation of a close (closeHolding): the facts it works on (a copy of the
// input, which it empties as it goes), the repairers it holds, the book it fills, the anomalies
// it finds and the accounts of the repairers, by id, from which the statements are made.
type closing struct {
	in        *sb.CloseInput
	held      map[int64][]einvoice.Problem
	issued    time.Time // the issue date of the period's documents
	b         *sb.Book
	anoms     anomalies
	acc       map[int64]*account
	processed map[int64]sb.SAVState // the SAVs whose decision is booked, for the goodwill
}

// isHeld reports whether the repairer id is held (its identity cannot make an e-invoice).
func (c *closing) isHeld(id int64) bool { _, ok := c.held[id]; return ok }

// get is the account of the repairer id, opened at its first use.
func (c *closing) get(id int64) *account {
	if a, ok := c.acc[id]; ok {
		return a
	}
	a := &account{id: id}
	c.acc[id] = a
	return a
}

// commissions is step 1: the commission lines of the interventions listed, the operations added
// after their intervention was paid, and the interventions the store summed.
func (c *closing) commissions() error {
	in, b := c.in, c.b
	for _, iv := range in.Interventions {
		if !iv.ClosedAt.IsZero() && !iv.ClosedAt.Before(in.End) {
			// Closed after the close itself (the store passes only those, of all the later
			// instants): impossible; it waits for its period, and finance hears of it now.
			if iv.ClosedAt.After(in.ClosedAt.Add(sb.FutureSlack)) {
				c.anoms.warn(interventionItem(iv.ID), iv.RepairerID,
					fmt.Sprintf("date de clôture dans le futur (%s) : l'intervention attend cette date", iv.ClosedAt.Format("2006-01-02 15:04:05")),
					"corriger interventions.closed_at")
			}
			continue
		}
		line, p := commission(in, iv)
		if p != nil {
			c.anoms.block(interventionItem(iv.ID), iv.RepairerID, p.reason, p.fix)
			continue
		}
		if c.isHeld(iv.RepairerID) { // eligible again at the next close
			continue
		}
		a := c.get(iv.RepairerID)
		a.commissions = append(a.commissions, line)
		bookOperations(b, in, iv)
	}
	in.Interventions = nil
	addedOperations(in, &c.anoms)
	// Interventions the store summed: bound to be booked whole (see CloseInput.Summed).
	if len(in.Summed) > 0 {
		b.Summed = &sb.SummedLines{End: in.End, LateBefore: in.LateBefore()}
	}
	for _, sum := range in.Summed {
		if p := checkRepairer(in.Repairers, sum.RepairerID, "réparateur"); p != nil || sum.Lines < 1 || sum.AmountCents < 0 || c.isHeld(sum.RepairerID) {
			return fmt.Errorf("close %s: the store summed %d interventions (%d cents) of repairer %d, which the rules would not book whole", in.Period, sum.Lines, sum.AmountCents, sum.RepairerID)
		}
		a := c.get(sum.RepairerID)
		var err error
		if a.summedCents, err = money.Add(a.summedCents, sum.AmountCents); err != nil {
			return fmt.Errorf("close %s: repairer %d: commissions: %w", in.Period, sum.RepairerID, err)
		}
		if b.Summed.AmountCents, err = money.Add(b.Summed.AmountCents, sum.AmountCents); err != nil {
			return fmt.Errorf("close %s: summed commissions: %w", in.Period, err)
		}
		a.summedLines += sum.Lines
		b.Summed.Lines += sum.Lines
	}
	return nil
}

// savCharges is steps 2–3: SAV charges, settlements and deductibles, and the SAVs pending.
func (c *closing) savCharges() {
	in, b := c.in, c.b
	for _, sc := range in.SAVs {
		if sc.Decision == nil {
			if d := sc.SAV.Defect; d != nil { // no age to tell: held until the row is corrected
				c.anoms.block(savItem(sc.SAV.ID), sc.SAV.RepairerID, "SAV sans décision, illisible : "+d.Reason, d.Fix)
				continue
			}
			b.Pending = append(b.Pending, pending(in, sc))
			continue
		}
		as, p := assess(in, sc)
		if p != nil {
			c.anoms.block(savItem(sc.SAV.ID), sc.SAV.RepairerID, "imputation suspendue : "+p.reason, p.fix)
			continue
		}
		if touchesHeld(as.lines, c.held) {
			c.anoms.block(savItem(sc.SAV.ID), as.faulty, fmt.Sprintf("imputation suspendue : relevé du réparateur %d retenu (identité non facturable)", as.faulty),
				fmt.Sprintf("corriger l'identité du réparateur %d (voir son anomalie)", as.faulty))
			continue
		}
		for _, w := range as.warnings {
			c.anoms.warn(savItem(sc.SAV.ID), as.faulty, w.reason, w.fix)
		}
		a := c.get(as.faulty)
		a.sav = append(a.sav, as.lines...)
		if as.claim != nil {
			b.Claims = append(b.Claims, *as.claim)
		}
		b.SAVStates = append(b.SAVStates, as.state)
		c.processed[sc.SAV.ID] = as.state
	}
}

// adjustments is step 4: the adjustments of decisions changed after their charge.
func (c *closing) adjustments() {
	in, b := c.in, c.b
	for _, sc := range in.Changed {
		as, p := assess(in, sc)
		var lines []sb.SAVLine
		var claim *sb.Claim
		if p == nil {
			lines, claim, p = adjust(in, sc, as)
		}
		if p == nil && touchesHeld(lines, c.held) {
			p = newProblem("corriger l'identité du réparateur retenu (voir son anomalie)",
				"relevé d'un réparateur imputé retenu (identité non facturable)")
		}
		if p != nil {
			c.anoms.block(savItem(sc.SAV.ID)+" (décision modifiée)", sc.SAV.RepairerID, "ajustement suspendu : "+p.reason, p.fix)
			continue
		}
		for _, l := range lines {
			a := c.get(l.RepairerID)
			a.sav = append(a.sav, l)
		}
		if claim != nil {
			b.Claims = append(b.Claims, *claim)
		}
		st := as.state
		if sc.Booked != nil {
			st.FirstPeriod = sc.Booked.FirstPeriod
		}
		b.SAVStates = append(b.SAVStates, st)
		c.processed[sc.SAV.ID] = st
	}
}

// credits reports the decisions on no SAV, then the customer credits on SAV visits: goodwill
// borne by the network, or recharged.
func (c *closing) credits() {
	in, b := c.in, c.b
	for _, d := range in.StrayDecisions {
		c.anoms.block(fmt.Sprintf("décision sur l'intervention %d", d.SAVID), 0,
			"décision de SAV sur une intervention inexistante ou qui n'est pas un SAV",
			"supprimer la décision ou la rattacher à l'intervention SAV (kind = 'sav')")
	}
	b.Goodwill = goodwill(in, c.processed, &c.anoms)
	b.Goodwill = withStrayCredits(b.Goodwill, in, &c.anoms)
	in.Credits, in.Processed = nil, nil
}

// plans gives each open installment plan to its repairer's account, or books it as it was when
// its repairer is unknown, held or defective.
func (c *closing) plans() {
	in, b := c.in, c.b
	for _, p := range in.Plans {
		if _, ok := in.Repairers[p.RepairerID]; !ok {
			c.anoms.block("échéancier "+p.ID, p.RepairerID, "réparateur inconnu : échéance non prélevée",
				"rétablir le réparateur dans repairers (le solde reste dû)")
			b.Plans = append(b.Plans, p)
			continue
		}
		if c.isHeld(p.RepairerID) { // as it was: nothing of the repairer's is booked
			b.Plans = append(b.Plans, p)
			continue
		}
		if pr := checkRepairer(in.Repairers, p.RepairerID, "réparateur"); pr != nil {
			c.anoms.block("échéancier "+p.ID, p.RepairerID, "échéance non prélevée : "+pr.reason, pr.fix)
			b.Plans = append(b.Plans, p)
			continue
		}
		a := c.get(p.RepairerID)
		a.plans = append(a.plans, p)
	}
}

// statements is step 5: each account, in ascending repairer id, settled into its statement
// (deductions, overflow, installments, VAT) with its invoice and debit note, numbered; more are
// the repairers the identity hold newly holds.
func (c *closing) statements(overrides map[int64]*sb.Override) (more map[int64][]einvoice.Problem, err error) {
	in, b := c.in, c.b
	ids := make([]int64, 0, len(c.acc))
	for id := range c.acc {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b.Statements = slices.Grow(b.Statements, len(ids))
	invoiceSeq, noteSeq := in.LastInvoiceSeq, in.LastDebitNoteSeq
	var notes []sb.Invoice
	for _, id := range ids {
		a := c.acc[id]
		delete(c.acc, id) // its lines move to its statement
		st, has, inv, note, plans, err := a.settle(in, overrides[id])
		if err != nil {
			return nil, fmt.Errorf("close %s: repairer %d: %w", in.Period, id, err)
		}
		// The identity hold: a REL- or a FAC- needs an identity that makes a valid e-invoice.
		if (has && !st.Account) || inv != nil {
			if why := unbillable(in.Repairers[id]); why != nil {
				if more == nil {
					more = map[int64][]einvoice.Problem{}
				}
				more[id] = why
				continue // this book is computed again without them
			}
		}
		b.Plans = append(b.Plans, plans...)
		if inv != nil {
			invoiceSeq++
			c.number(inv, "FAC", invoiceSeq)
		}
		if has || inv != nil {
			identityWarnings(in.Repairers[id], &c.anoms)
		}
		if note != nil {
			noteSeq++
			c.number(note, "NDD", noteSeq)
			notes = append(notes, *note)
		}
		if !has {
			b.Unlisted = append(b.Unlisted, st.SAV...) // lines that charge nothing
			continue
		}
		st.IssuedOn = c.issued
		st.PaymentOn = c.issued.AddDate(0, 0, in.Rules.StatementPaymentDays)
		if st.Account {
			st.Number = sb.AccountNumber(id, in.Period)
		} else {
			st.Seq = in.LastStatementSeq[id] + 1
			st.Number = fmt.Sprintf("REL-%d-%04d-%04d", id, in.Period.Year, st.Seq)
		}
		if inv != nil || note != nil {
			// what the overflow documents bill of the statement, booked with them (the render of a
			// closed period streams its statements and never looks one up)
			billed := st.Billed()
			if inv != nil {
				st.InvoiceNumber = inv.Number
				inv.Statement = billed
				b.Invoices = append(b.Invoices, *inv)
			}
			if note != nil {
				st.DebitNoteNumber = note.Number
				notes[len(notes)-1].Statement = billed
			}
		}
		b.Statements = append(b.Statements, st)
	}
	b.Invoices = append(b.Invoices, notes...)
	return more, nil
}

// number gives an invoice (prefix FAC) or a debit note (NDD) its number seq in the period's year,
// its issue date and its due date.
func (c *closing) number(v *sb.Invoice, prefix string, seq int) {
	v.Seq = seq
	v.Number = fmt.Sprintf("%s-%04d-%06d", prefix, c.in.Period.Year, seq)
	v.IssuedOn = c.issued
	v.DueOn = c.issued.AddDate(0, 0, c.in.Rules.InvoiceDueDays)
}

// pending lists a SAV closed without a decision.
func pending(in *sb.CloseInput, c sb.SAVCase) sb.PendingSAV {
	return sb.PendingSAV{SAVID: c.SAV.ID, OriginalID: c.SAV.OriginalID, SAVRepairerID: c.SAV.RepairerID,
		ClosedAt: c.SAV.ClosedAt, AgeDays: int((in.End.Unix() - c.SAV.ClosedAt.Unix()) / 86400)}
}

// overridesByRepairer keeps finance's valid overrides for the period; an invalid one is warned
// and the default rules apply.
func overridesByRepairer(in *sb.CloseInput, anoms *anomalies) map[int64]*sb.Override {
	out := map[int64]*sb.Override{}
	for i, o := range in.Overrides {
		item := fmt.Sprintf("dérogation du réparateur %d (%s)", o.RepairerID, o.Period)
		switch {
		case o.Period != in.Period.String():
			continue
		case o.Mode == sb.OverrideInvoice:
		case o.Mode == sb.OverrideSpread && o.Months >= 1 && o.Months <= 120:
		case o.Mode == sb.OverrideSpread:
			anoms.warn(item, o.RepairerID, fmt.Sprintf("étalement sur %d mois invalide : règle par défaut appliquée", o.Months),
				"mettre overflow_overrides.months entre 1 et 120")
			continue
		default:
			anoms.warn(item, o.RepairerID, fmt.Sprintf("mode %q inconnu : règle par défaut appliquée", o.Mode),
				"mettre overflow_overrides.mode à 'spread' ou 'invoice'")
			continue
		}
		out[o.RepairerID] = &in.Overrides[i]
	}
	return out
}
