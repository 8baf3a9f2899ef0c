package reports

import (
	"context"
	"time"

	"savbilling"
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
	b       *savbilling.Book // the source's head: its statements are not read
	need    map[int64]bool   // the repairers the sheets after the statements name
	names   map[int64]string // repairer id → name, of those repairers: from their statement, else their invoice
	paidNow map[string]int64 // plan id → installments paid this period
	charts  *chartData
}

func newIndex(src Source) *index {
	b := src.Head()
	x := &index{src: src, b: b, need: map[int64]bool{}, names: map[int64]string{}, paidNow: map[string]int64{},
		charts: newChartData()}
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
	return x
}

// statementRead gathers what the later sheets need of statement s (once per statement).
func (x *index) statementRead(s *savbilling.Statement) {
	if x.need[s.Repairer.ID] {
		x.names[s.Repairer.ID] = s.Repairer.Name
	}
	for _, in := range s.Installments {
		x.paidNow[in.PlanID] += in.PaidCents
	}
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
	var cur *savbilling.Statement
	return &table{
		sheet: SheetStatements,
		cols: []column{
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
			{"Régime TVA", kText, false},
			{"Dépassement", kMoney, true},
			{"N° facture", kText, false},
			{"Émis le", kDate, false},
			{"Payable le", kDate, false},
			{"Interventions", kInt, false},
			{"Lignes SAV", kInt, false},
		},
		rows: func(ctx context.Context, r []any, emit func() error) error {
			return x.src.EachStatement(ctx, func(s *savbilling.Statement) error {
				cur = s
				clear(r)
				r[0], r[1], r[2] = s.Repairer.ID, s.Repairer.Name, s.Number
				r[3], r[4], r[5] = s.GrossCents, s.DeductionsCents, s.InstallmentsCents
				r[6], r[7], r[8] = s.NetHTCents, s.VATCents, s.NetTTCCents
				r[9], r[10] = s.SpreadCents, s.InvoicedCents
				r[11], r[12], r[13] = s.Repairer.VATRegime, s.OverflowCents, s.InvoiceNumber
				r[14], r[15] = s.IssuedOn, s.PaymentOn
				r[16], r[17] = s.CommissionCount(), len(s.SAV)
				return emit()
			})
		},
		tally: func() { x.statementRead(cur) },
		done:  x.statementsDone,
	}
}

func (x *index) savTable() *table {
	var (
		cur  *savbilling.SAVLine
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
			return x.src.EachSAVLine(ctx, func(l *savbilling.SAVLine, repairer, statement string) error {
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
	return &table{
		sheet: SheetPlans,
		cols: []column{
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
		},
		rows: indexed(len(b.Plans), func(i int, r []any) {
			p := b.Plans[i]
			r[0], r[1], r[2], r[3] = p.ID, p.RepairerID, x.names[p.RepairerID], p.CreatedIn
			r[4], r[5], r[6], r[7] = p.Months, p.TotalCents, p.PaidCents, p.BalanceCents()
			if p.Open() {
				r[8] = next
			}
			r[9], r[10], r[11], r[12] = planStatus(p), x.paidNow[p.ID], p.InvoicedCents, p.ClosedIn
		}),
	}
}

func (x *index) invoicesTable() *table {
	b := x.b
	return &table{
		sheet: SheetInvoices,
		cols: []column{
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
		},
		count: 1, // the number is blank in a draft
		rows: indexed(len(b.Invoices), func(i int, r []any) {
			inv := &b.Invoices[i]
			r[0], r[1], r[2], r[3], r[4] = inv.Number, inv.Repairer.ID, inv.Repairer.Name, inv.IssuedOn, inv.DueOn
			r[5], r[6], r[7], r[8] = inv.HTCents, inv.VATCents, inv.TTCCents, invoiceLinesText(*inv)
			r[9], r[10] = inv.VATRateBP, inv.Period
		}),
	}
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
		rows: indexed(len(b.Anomalies), func(i int, r []any) {
			a := b.Anomalies[i]
			grav := "avertissement"
			if a.Blocking {
				grav = "bloquant"
			}
			r[0], r[1], r[2], r[3], r[4], r[5] = a.Item, a.Reason, a.Fix, grav, a.RepairerID, x.names[a.RepairerID]
		}),
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
	return savbilling.DayIn(t, savbilling.Paris)
}
