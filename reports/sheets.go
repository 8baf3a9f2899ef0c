package reports

import (
	"sort"
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

// lineRef points at one SAV line of the book: b.Statements[s].SAV[l].
type lineRef struct{ s, l int32 }

// index holds the lookups the sheets share, built once from the book.
type index struct {
	b        *savbilling.Book
	names    map[int64]string // repairer id → name, from the statements then the invoices
	number   map[int64]string // repairer id → statement number
	city     map[int64]string // SAV intervention id → city, when its commission is booked here
	paidNow  map[string]int64 // plan id → installments paid this period
	savLines []lineRef        // every SAV line, ascending SAV id, then repairer, then type
}

func newIndex(b *savbilling.Book) *index {
	x := &index{
		b:       b,
		names:   make(map[int64]string, len(b.Statements)),
		number:  make(map[int64]string, len(b.Statements)),
		paidNow: make(map[string]int64),
	}
	nLines := 0
	for i := range b.Statements {
		s := &b.Statements[i]
		x.names[s.Repairer.ID] = s.Repairer.Name
		x.number[s.Repairer.ID] = s.Number
		nLines += len(s.SAV)
		for _, in := range s.Installments {
			x.paidNow[in.PlanID] += in.PaidCents
		}
	}
	for _, inv := range b.Invoices {
		if _, ok := x.names[inv.Repairer.ID]; !ok {
			x.names[inv.Repairer.ID] = inv.Repairer.Name
		}
	}
	x.savLines = make([]lineRef, 0, nLines)
	x.city = make(map[int64]string, nLines)
	for i := range b.Statements {
		for j, l := range b.Statements[i].SAV {
			x.savLines = append(x.savLines, lineRef{int32(i), int32(j)})
			x.city[l.SAVID] = l.City
		}
	}
	sort.SliceStable(x.savLines, func(i, j int) bool {
		return x.line(x.savLines[i]).SAVID < x.line(x.savLines[j]).SAVID
	})
	for i := range b.Statements {
		for _, c := range b.Statements[i].Commissions {
			if v, ok := x.city[c.InterventionID]; ok && v == "" {
				x.city[c.InterventionID] = c.City
			}
		}
	}
	return x
}

func (x *index) line(r lineRef) *savbilling.SAVLine { return &x.b.Statements[r.s].SAV[r.l] }

// cityOf returns the city of a SAV intervention, or unknownCity.
func (x *index) cityOf(savID int64) string {
	if c := x.city[savID]; c != "" {
		return c
	}
	return unknownCity
}

func (x *index) statementsTable() *table {
	b := x.b
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
		n: len(b.Statements),
		fill: func(i int, r []any) {
			s := &b.Statements[i]
			r[0], r[1], r[2] = s.Repairer.ID, s.Repairer.Name, s.Number
			r[3], r[4], r[5] = s.GrossCents, s.DeductionsCents, s.InstallmentsCents
			r[6], r[7], r[8] = s.NetHTCents, s.VATCents, s.NetTTCCents
			r[9], r[10] = s.SpreadCents, s.InvoicedCents
			r[11], r[12], r[13] = s.Repairer.VATRegime, s.OverflowCents, s.InvoiceNumber
			r[14], r[15] = s.IssuedOn, s.PaymentOn
			r[16], r[17] = s.CommissionCount(), len(s.SAV)
		},
	}
}

func (x *index) savTable() *table {
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
		n: len(x.savLines),
		fill: func(i int, r []any) {
			l := x.line(x.savLines[i])
			r[0], r[1], r[2], r[3] = l.SAVID, l.OriginalID, l.SAVRepairerID, l.RepairerID
			r[4], r[5], r[6], r[7] = decisionLabel(l.Outcome), l.ChargeBP, l.CorrectiveCents, l.AmountCents
			r[8], r[9], r[10] = string(l.Type), l.DamageCents, x.cityOf(l.SAVID)
			r[11], r[12] = x.names[l.RepairerID], x.number[l.RepairerID]
		},
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
		n: len(b.Plans),
		fill: func(i int, r []any) {
			p := b.Plans[i]
			r[0], r[1], r[2], r[3] = p.ID, p.RepairerID, x.names[p.RepairerID], p.CreatedIn
			r[4], r[5], r[6], r[7] = p.Months, p.TotalCents, p.PaidCents, p.BalanceCents()
			if p.Open() {
				r[8] = next
			}
			r[9], r[10], r[11], r[12] = planStatus(p), x.paidNow[p.ID], p.InvoicedCents, p.ClosedIn
		},
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
		n:     len(b.Invoices),
		fill: func(i int, r []any) {
			inv := &b.Invoices[i]
			r[0], r[1], r[2], r[3], r[4] = inv.Number, inv.Repairer.ID, inv.Repairer.Name, inv.IssuedOn, inv.DueOn
			r[5], r[6], r[7], r[8] = inv.HTCents, inv.VATCents, inv.TTCCents, invoiceLinesText(*inv)
			r[9], r[10] = inv.VATRateBP, inv.Period
		},
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
		n: len(b.Claims),
		fill: func(i int, r []any) {
			c := b.Claims[i]
			r[0], r[1], r[2], r[3] = c.SAVID, c.RepairerID, x.names[c.RepairerID], c.Policy
			r[4], r[5], r[6], r[7] = c.DamageCents, c.DeductibleCents, c.ClaimCents, yesNo(c.Adjustment)
		},
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
		n: len(b.Goodwill),
		fill: func(i int, r []any) {
			g := b.Goodwill[i]
			var cost int64
			if g.BorneByNetwork {
				cost = g.AmountCents
			}
			r[0], r[1], r[2], r[3] = g.CreditID, g.SAVID, parisDay(g.GrantedAt), g.Reason
			r[4], r[5], r[6], r[7] = g.AmountCents, decisionLabel(g.Outcome), yesNo(g.BorneByNetwork), cost
			r[8], r[9] = yesNo(g.Fits), g.Note
		},
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
		n: len(b.Anomalies),
		fill: func(i int, r []any) {
			a := b.Anomalies[i]
			grav := "avertissement"
			if a.Blocking {
				grav = "bloquant"
			}
			r[0], r[1], r[2], r[3], r[4], r[5] = a.Item, a.Reason, a.Fix, grav, a.RepairerID, x.names[a.RepairerID]
		},
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
		n: len(b.Pending),
		fill: func(i int, r []any) {
			p := b.Pending[i]
			r[0], r[1], r[2], r[3] = p.SAVID, p.OriginalID, p.SAVRepairerID, x.names[p.SAVRepairerID]
			r[4], r[5] = parisDay(p.ClosedAt), p.AgeDays
		},
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
