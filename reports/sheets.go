package reports

import (
	"context"
	"time"

	sb "savbilling"
	"savbilling/internal/glyphs"
)

// The workbook's sheets, in their contract order.
const (
	SheetSummary    = "Synthèse"
	SheetStatements = "Relevés"
	SheetSAV        = "SAV"
	SheetPlans      = "Échéanciers"
	SheetInvoices   = "Factures"
	SheetInsurance  = "Assurance"
	SheetGoodwill   = "Gestes commerciaux"
	SheetAnomalies  = "Anomalies"
	SheetPending    = "En attente"
)

// SheetNames returns the workbook's sheet names in order.
func SheetNames() []string {
	return []string{SheetSummary, SheetStatements, SheetSAV, SheetPlans, SheetInvoices,
		SheetInsurance, SheetGoodwill, SheetAnomalies, SheetPending}
}

// unknownCity is the city of a SAV line whose intervention has no city.
const unknownCity = "(inconnue)"

// cityOr returns city, or unknownCity when it is empty.
func cityOr(city string) string {
	if city != "" {
		return city
	}
	return unknownCity
}

// index holds what the sheets share. The statements and the SAV lines are read as their sheets
// are written, and what the other sheets need of them is gathered on the way: the names of the
// repairers and the installments paid (for the plans, claims, anomalies and pending SAVs, written
// after), and the sums the Synthèse's charts show (drawn last).
type index struct {
	src     Source
	b       *sb.Book         // the source's head: its statements are not read
	need    map[int64]bool   // the repairers the sheets after the statements name
	names   map[int64]string // repairer id → name, of those repairers: from their statement, else their invoice
	paidNow map[string]int64 // plan id → installments paid this period
	charts  *chartData
	vat     map[vatKey]*vatSum // the statements' VAT by regime and rate (the Synthèse's VAT summary)
	// glyphs is the fonts' fallback chain; warnings are the texts the documents print with a
	// substitute, gathered as the statements are read (textwarn.go)
	glyphs   *glyphs.Chain
	warnings []textWarning
}

func newIndex(src Source) *index {
	b := src.Head()
	x := &index{src: src, b: b, need: map[int64]bool{}, names: map[int64]string{}, paidNow: map[string]int64{},
		charts: newChartData(), vat: map[vatKey]*vatSum{}}
	for _, p := range b.Plans {
		x.need[p.RepairerID] = true
	}
	for _, c := range b.Claims {
		x.need[c.RepairerID] = true
	}
	for _, a := range b.Anomalies {
		x.need[a.RepairerID] = true
	}
	for _, p := range b.Pending {
		x.need[p.SAVRepairerID] = true
	}
	x.glyphs, _ = glyphChain() // the embedded templates load: tested in package templates
	x.checkIssuer(b.Issuer)
	for _, inv := range b.Invoices {
		x.checkParty(inv.Repairer)
	}
	return x
}

// statementRead gathers what the later sheets need of statement s (once per statement).
func (x *index) statementRead(s *sb.Statement) {
	x.checkParty(s.Repairer)
	if x.need[s.Repairer.ID] {
		x.names[s.Repairer.ID] = s.Repairer.Name
	}
	for _, in := range s.Installments {
		x.paidNow[in.PlanID] += in.PaidCents
	}
	k := vatKey{franchise: s.Repairer.VATRegime == sb.VATFranchise && s.VATCents == 0, rateBP: s.VATRateBP}
	v := x.vat[k]
	if v == nil {
		v = &vatSum{}
		x.vat[k] = v
	}
	v.baseCents += s.NetHTCents
	v.vatCents += s.VATCents
}

// statementsDone completes the names from the invoices, once every statement is read.
func (x *index) statementsDone() {
	for _, inv := range x.b.Invoices {
		if _, ok := x.names[inv.Repairer.ID]; !ok && x.need[inv.Repairer.ID] {
			x.names[inv.Repairer.ID] = inv.Repairer.Name
		}
	}
}

func (x *index) statementsTable() *table {
	var cur *sb.Statement
	cols := []column{
		{"ID réparateur", kID, false},
		{"Réparateur", kText, false},
		{"N° relevé", kText, false},
		{"Commissions HT", kMoney, true},
		{"Déductions SAV", kMoney, true},
		{"Échéances prélevées", kMoney, true},
		{"Net HT", kMoney, true},
		{"TVA", kMoney, true},
		{"Net TTC", kMoney, true},
		{"Mis en échéancier", kMoney, true},
		{"Facturé", kMoney, true},
	}
	v2 := rulesV2(x.b)
	if v2 { // contract, added 2026-12: after the contract columns
		cols = append(cols,
			column{"Indemnités (hors TVA)", kMoney, true},
			column{"Indemnités prélevées", kMoney, true},
			column{"Net à payer", kMoney, true})
	}
	cols = append(cols,
		column{"Régime TVA", kText, false},
		column{"Dépassement", kMoney, true},
		column{"N° facture", kText, false},
		column{"Émis le", kDate, false},
		column{"Payable le", kDate, false},
		column{"Interventions", kInt, false},
		column{"Lignes SAV", kInt, false})
	if v2 {
		cols = append(cols,
			column{"Réductions SAV", kMoney, true},
			column{"N° note de débit", kText, false},
			column{"Type de relevé", kText, false})
	}
	return &table{
		sheet: SheetStatements,
		cols:  cols,
		rows: func(ctx context.Context, r []any, emit func() error) error {
			return x.src.EachStatement(ctx, func(s *sb.Statement) error {
				cur = s
				clear(r)
				r[0], r[1], r[2] = s.Repairer.ID, s.Repairer.Name, s.Number
				r[3], r[4], r[5] = s.GrossCents, s.DeductionsCents, s.InstallmentsCents
				r[6], r[7], r[8] = s.NetHTCents, s.VATCents, s.NetTTCCents
				r[9], r[10] = s.SpreadCents, s.InvoicedCents
				k := 11
				if v2 {
					r[11], r[12], r[13] = s.IndemnitiesCents, s.InstallmentsIndemnityCents, s.PayableCents
					k = 14
				}
				r[k], r[k+1], r[k+2] = s.Repairer.VATRegime, s.OverflowCents, s.InvoiceNumber
				r[k+3], r[k+4] = s.IssuedOn, s.PaymentOn
				r[k+5], r[k+6] = s.CommissionCount(), len(s.SAV)
				if v2 {
					r[k+7], r[k+8], r[k+9] = s.ReductionsCents, s.DebitNoteNumber, statementKind(s)
				}
				return emit()
			})
		},
		tally: func() { x.statementRead(cur) },
		done:  x.statementsDone,
	}
}

// rulesV2 reports whether the book was closed under the rules of 2026-12. The workbook of a
// period closed under the rules v1 keeps the columns it was issued with.
func rulesV2(b *sb.Book) bool { return b.RulesVersion >= sb.RulesV2 }

// statementKind names the kind of a statement in the workbook.
func statementKind(s *sb.Statement) string {
	if s.Account {
		return "relevé de compte"
	}
	return "autofacturation"
}

func (x *index) savTable() *table {
	var (
		cur  *sb.SAVLine
		name string
	)
	return &table{
		sheet: SheetSAV,
		cols: []column{
			{"ID SAV", kID, false},
			{"ID intervention d'origine", kID, false},
			{"ID réparateur SAV", kID, false},
			{"ID réparateur fautif", kID, false},
			{"Décision", kText, false},
			{"Part (%)", kPct, false},
			{"Commission corrective HT", kMoney, false},
			{"Montant imputé HT", kMoney, true},
			{"Type", kText, false},
			{"Dommage HT", kMoney, false},
			{"Ville", kText, false},
			{"Réparateur fautif", kText, false},
			{"N° relevé", kText, false},
		},
		rows: func(ctx context.Context, r []any, emit func() error) error {
			return x.src.EachSAVLine(ctx, func(l *sb.SAVLine, repairer, statement string) error {
				cur, name = l, repairer
				clear(r)
				r[0], r[1], r[2], r[3] = l.SAVID, l.OriginalID, l.SAVRepairerID, l.RepairerID
				r[4], r[5], r[6], r[7] = decisionLabel(l.Outcome), l.ChargeBP, l.CorrectiveCents, l.AmountCents
				r[8], r[9], r[10] = string(l.Type), l.DamageCents, cityOr(l.City)
				r[11], r[12] = repairer, statement
				return emit()
			})
		},
		tally: func() { x.charts.add(cur, name) },
	}
}

func (x *index) plansTable() *table {
	b := x.b
	next := b.Period.Next()
	cols := []column{
		{"ID échéancier", kText, false},
		{"ID réparateur", kID, false},
		{"Réparateur", kText, false},
		{"Créé en", kPeriod, false},
		{"Échéances", kInt, false},
		{"Total", kMoney, true},
		{"Payé", kMoney, true},
		{"Solde", kMoney, true},
		{"Prochaine échéance", kPeriod, false},
		{"Statut", kText, false},
		{"Prélevé ce mois", kMoney, true},
		{"Facturé", kMoney, true},
		{"Clos en", kPeriod, false},
	}
	v2 := rulesV2(b)
	if v2 {
		cols = append(cols,
			column{"Dont indemnités", kMoney, true},
			column{"Solde indemnités", kMoney, true},
			column{"Note de débit", kMoney, true},
			column{"Règles", kInt, false})
	}
	return &table{
		sheet: SheetPlans,
		cols:  cols,
		rows: indexed(len(b.Plans), func(i int, r []any) {
			p := b.Plans[i]
			r[0], r[1], r[2], r[3] = p.ID, p.RepairerID, x.names[p.RepairerID], p.CreatedIn
			r[4], r[5], r[6], r[7] = p.Months, p.TotalCents, p.PaidCents, p.BalanceCents()
			if p.Open() {
				r[8] = next
			}
			r[9], r[10], r[11], r[12] = planStatus(p), x.paidNow[p.ID], p.InvoicedCents, p.ClosedIn
			if v2 {
				r[13], r[14], r[15], r[16] = p.IndemnityCents, p.IndemnityBalanceCents(), p.DebitNotedCents, max(p.RulesVersion, sb.RulesV1)
			}
		}),
	}
}

func (x *index) invoicesTable() *table {
	b := x.b
	return &table{
		sheet: SheetInvoices,
		cols: append([]column{
			{"N° facture", kText, false},
			{"ID réparateur", kID, false},
			{"Réparateur", kText, false},
			{"Date d'émission", kDate, false},
			{"Échéance", kDate, false},
			{"Total HT", kMoney, true},
			{"TVA", kMoney, true},
			{"Total TTC", kMoney, true},
			{"Détail", kText, false},
			{"Taux TVA (%)", kPct, false},
			{"Période", kPeriod, false},
		}, invoiceKindCol(b)...),
		count: 1, // the number is blank in a draft
		rows: indexed(len(b.Invoices), func(i int, r []any) {
			inv := &b.Invoices[i]
			r[0], r[1], r[2], r[3], r[4] = inv.Number, inv.Repairer.ID, inv.Repairer.Name, inv.IssuedOn, inv.DueOn
			r[5], r[6], r[7], r[8] = inv.HTCents, inv.VATCents, inv.TTCCents, invoiceLinesText(*inv)
			r[9], r[10] = inv.VATRateBP, inv.Period
			if rulesV2(b) {
				r[11] = documentKind(inv)
			}
		}),
	}
}

// invoiceKindCol is the column of the documents' kind (facture, note de débit), under the rules v2.
func invoiceKindCol(b *sb.Book) []column {
	if !rulesV2(b) {
		return nil
	}
	return []column{{"Type de document", kText, false}}
}

// documentKind names the kind of an invoice or debit note.
func documentKind(inv *sb.Invoice) string {
	if inv.DebitNote() {
		return sb.DocDebitNote
	}
	return sb.DocInvoice
}

func (x *index) insuranceTable() *table {
	b := x.b
	return &table{
		sheet: SheetInsurance,
		cols: []column{
			{"ID SAV", kID, false},
			{"ID réparateur", kID, false},
			{"Réparateur", kText, false},
			{"Police", kText, false},
			{"Dommage HT", kMoney, false},
			{"Franchise", kMoney, false},
			{"Montant réclamé HT", kMoney, true},
			{"Ajustement", kText, false},
		},
		rows: indexed(len(b.Claims), func(i int, r []any) {
			c := b.Claims[i]
			r[0], r[1], r[2], r[3] = c.SAVID, c.RepairerID, x.names[c.RepairerID], c.Policy
			r[4], r[5], r[6], r[7] = c.DamageCents, c.DeductibleCents, c.ClaimCents, yesNo(c.Adjustment)
		}),
	}
}

func (x *index) goodwillTable() *table {
	b := x.b
	return &table{
		sheet: SheetGoodwill,
		cols: []column{
			{"ID geste", kID, false},
			{"ID SAV", kID, false},
			{"Accordé le", kDate, false},
			{"Motif", kText, false},
			{"Montant HT", kMoney, true},
			{"Décision", kText, false},
			{"À la charge du réseau", kText, false},
			{"Coût réseau HT", kMoney, true},
			{"Conforme à la décision", kText, false},
			{"Remarque", kText, false},
		},
		rows: indexed(len(b.Goodwill), func(i int, r []any) {
			g := b.Goodwill[i]
			var cost int64
			if g.BorneByNetwork {
				cost = g.AmountCents
			}
			r[0], r[1], r[2], r[3] = g.CreditID, g.SAVID, parisDay(g.GrantedAt), g.Reason
			r[4], r[5], r[6], r[7] = g.AmountCents, goodwillDecision(g.Outcome), yesNo(g.BorneByNetwork), cost
			r[8], r[9] = yesNo(g.Fits), g.Note
		}),
	}
}

func (x *index) anomaliesTable() *table {
	b := x.b
	return &table{
		sheet: SheetAnomalies,
		cols: []column{
			{"Élément", kText, false},
			{"Motif", kText, false},
			{"Correction", kText, false},
			{"Gravité", kText, false},
			{"ID réparateur", kID, false},
			{"Réparateur", kText, false},
		},
		rows: func(ctx context.Context, r []any, emit func() error) error {
			err := indexed(len(b.Anomalies), func(i int, r []any) {
				a := b.Anomalies[i]
				grav := "avertissement"
				if a.Blocking {
					grav = "bloquant"
				}
				r[0], r[1], r[2], r[3], r[4], r[5] = a.Item, a.Reason, a.Fix, grav, a.RepairerID, x.names[a.RepairerID]
			})(ctx, r, emit)
			if err != nil {
				return err
			}
			// then the texts printed with a substitute, gathered as the statements were read
			for _, w := range x.sortedWarnings() {
				clear(r)
				w.row(r)
				if err := emit(); err != nil {
					return err
				}
			}
			return nil
		},
		wrap: []int{1, 2},
	}
}

func (x *index) pendingTable() *table {
	b := x.b
	return &table{
		sheet: SheetPending,
		cols: []column{
			{"ID SAV", kID, false},
			{"ID intervention d'origine", kID, false},
			{"ID réparateur SAV", kID, false},
			{"Réparateur SAV", kText, false},
			{"Clôturé le", kDate, false},
			{"Âge (jours)", kInt, false},
		},
		rows: indexed(len(b.Pending), func(i int, r []any) {
			p := b.Pending[i]
			r[0], r[1], r[2], r[3] = p.SAVID, p.OriginalID, p.SAVRepairerID, x.names[p.SAVRepairerID]
			r[4], r[5] = parisDay(p.ClosedAt), p.AgeDays
		}),
	}
}

// tables returns the table sheets in order.
func (x *index) tables() []*table {
	return []*table{x.statementsTable(), x.savTable(), x.plansTable(), x.invoicesTable(),
		x.insuranceTable(), x.goodwillTable(), x.anomaliesTable(), x.pendingTable()}
}

// parisDay returns the Paris calendar day of instant t, zero when t is zero.
func parisDay(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return sb.DayIn(t, sb.Paris)
}
