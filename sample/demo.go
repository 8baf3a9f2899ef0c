package sample

import (
	"fmt"
	"strings"
	"time"

	sb "savbilling"
)

// Step is what happens before one period's close: rows that arrive and decisions support
// changes.
type Step struct {
	Period sb.Period
	Insert sb.Source     // rows to insert before closing Period
	Update []sb.Decision // existing decisions changed before closing Period (full new row)
	Story  []string      // one line per notable case in this step, in French
}

// DemoBackground is how many ordinary interventions each month of the demo holds besides its
// story cases: ids 1100–1399 in the first month, 2100–2399 in the second, 3100–3399 in the third.
const DemoBackground = 300

// DemoMissingOriginal is the original intervention id, which does not exist, of SAV 1023.
const DemoMissingOriginal = 987654

// Demo returns three steps for the three months first, first+1, first+2: a network of 32
// repairers in French cities whose story holds every case of the rules. Each step's
// story lists its cases with their ids. Ids are stable whatever first is: repairers 1–32,
// interventions from 1000 (the story cases 1000–1099, 2001–2099, 3001–3099, the background
// 1100–1399, 2100–2399, 3100–3399), operations 100000 + 10 × intervention id + index,
// credits from 1; amounts do not depend on first either.
//
// The story, by step (R<n> is repairer n):
//
//	step 1  SAV 1010 confirmed (R1 charged, an unrelated sav_related=0 operation); 1011 partial
//	        5000 bp; 1012 unconfirmed with a 4,00 € credit; 1013 damage 120,00 € within the
//	        umbrella deductible; 1020 overflow 90,00 € of R3 spread in 2 installments; 1021
//	        charged to the inactive R30, overflow invoiced; 1022 original 1000 closed four
//	        months before (claim window warning); 1023 original 987654 missing; 1060 closed
//	        without decision (pending); 1080 negative commission; decision on the standard
//	        intervention 1081; 1090 open, 1091 cancelled.
//	step 2  late arrival 1050 (closed in month 1); decision of 1060 arrives; damage 60,00 €
//	        added to 1010's decision (adjustment); 2010 confirmed; 2011 partial 3333 bp; 2012
//	        faulty repairer R9 set by support; 2013 self-SAV of R10; 2014 rejected with the
//	        travel fee credited; 2015 damage 500,00 € on the umbrella policy (claim 300,00 €);
//	        2016 partial share 12000 bp out of range; 2020 and 2021 overflow of R12 above
//	        1 500,00 € invoiced (reductions on an invoice, the damage on a debit note); R3 pays its
//	        first installment only in part; 2022 charged to the inactive R30 without commissions
//	        (statement of account, invoice and debit note); 2023 gives R21 a two-part plan.
//	step 3  2010 changed to partial 5000 bp (refund); 2016 corrected to 7500 bp (charged
//	        now); 3010 overflow of R21 invoiced by an override; 3011 damage 800,00 € above R6's
//	        own 150,00 € deductible; 3012 unconfirmed with a 2,00 € credit (does not fit);
//	        3013 pending; R3 pays the rest of its plan; R21's installment gets nothing; 3014
//	        unconfirmed on R12, who has nothing else: no statement; 1013's damage removed (a
//	        refund of an indemnity); 2011 revised from partial 3333 bp to confirmed (a further
//	        charge, explained with the October statement it was first charged on).
//	all     R31 earns in each month (1070, 2041, 3040); SAV 2040 by R32 on 1070 overflows R31's
//	        month 2 by 58,00 € of reductions, spread in 2 × 29,00 €; month 3 pays the first (a
//	        reduction installment, before VAT).
func Demo(first sb.Period) []Step {
	d := &demo{ivs: map[int64]sb.Intervention{}}
	for i := range d.steps {
		d.steps[i].Period = first.AddMonths(i)
	}
	d.repairers()
	d.month1()
	d.month2()
	d.month3()
	d.reductionInstallment() // after the story's cases: their customer and credit ids stay as they were
	for i := range d.steps {
		d.background(i, int64(1000*(i+1)+100), DemoBackground)
	}
	return d.steps[:]
}

// demoRepairer is a repairer of the demo network.
type demoRepairer struct {
	id         int64
	name, city string
	address    string
	regime     string
	deductible int64 // own RC Pro deductible; 0: the umbrella policy
	inactive   bool
}

// demoNetwork is the demo's repairers; ids are their index + 1.
var demoNetwork = []demoRepairer{
	{1, "Éloïse Lefèvre", "Paris", "12 rue de la Roquette, 75011 Paris", sb.VATStandard, 0, false},
	{2, "Cœur de Vélo", "Paris", "48 boulevard Voltaire, 75011 Paris", sb.VATStandard, 30000, false},
	{3, "Gaëlle Moreau", "Lyon", "7 rue Mercière, 69002 Lyon", sb.VATFranchise, 0, false},
	{4, "François Giraud", "Lyon", "22 cours Gambetta, 69007 Lyon", sb.VATStandard, 0, false},
	{5, "Zoé Lambert", "Lyon", "15 rue de Marseille, 69007 Lyon", sb.VATFranchise, 0, false},
	{6, "Noël Fabre", "Marseille", "31 rue de la République, 13002 Marseille", sb.VATStandard, 15000, false},
	{7, "Atelier Mistral Cycles", "Marseille", "9 cours Julien, 13006 Marseille", sb.VATStandard, 0, false},
	{8, "Anaïs Roux", "Marseille", "104 boulevard Baille, 13005 Marseille", sb.VATFranchise, 0, false},
	{9, "Loïc Bernard", "Marseille", "56 rue Paradis, 13006 Marseille", sb.VATStandard, 0, false},
	{10, "Hélène Garnier", "Bordeaux", "18 cours Victor-Hugo, 33000 Bordeaux", sb.VATStandard, 0, false},
	{11, "Jérôme Dupuy", "Bordeaux", "3 rue Sainte-Catherine, 33000 Bordeaux", sb.VATFranchise, 0, false},
	{12, "Cargo Vélo Bordelais", "Bordeaux", "41 quai des Chartrons, 33000 Bordeaux", sb.VATStandard, 0, false},
	{13, "Maëlle Girard", "Bordeaux", "27 cours de l'Yser, 33800 Bordeaux", sb.VATFranchise, 0, false},
	{14, "Benoît Lemaire", "Lille", "65 rue Solférino, 59000 Lille", sb.VATStandard, 0, false},
	{15, "Clémence Dufour", "Lille", "12 place du Théâtre, 59800 Lille", sb.VATFranchise, 0, false},
	{16, "Théo Vasseur", "Lille", "140 rue Nationale, 59000 Lille", sb.VATStandard, 0, false},
	{17, "Inès Moulin", "Nantes", "8 rue Crébillon, 44000 Nantes", sb.VATStandard, 0, false},
	{18, "Gwenaël Le Goff", "Nantes", "23 quai de la Fosse, 44000 Nantes", sb.VATFranchise, 0, false},
	{19, "Bécane & Cie", "Nantes", "5 rue de Strasbourg, 44000 Nantes", sb.VATStandard, 20000, false},
	{20, "Raphaël Ortiz", "Toulouse", "17 rue d'Alsace-Lorraine, 31000 Toulouse", sb.VATStandard, 0, false},
	{21, "Solène Castex", "Toulouse", "44 allée Jean-Jaurès, 31000 Toulouse", sb.VATFranchise, 0, false},
	{22, "Mathéo Rivière", "Toulouse", "2 rue des Filatiers, 31000 Toulouse", sb.VATStandard, 0, false},
	{23, "Lucie Bénard", "Strasbourg", "11 quai des Bateliers, 67000 Strasbourg", sb.VATStandard, 0, false},
	{24, "Frédéric Kœnig", "Strasbourg", "30 rue du Faubourg-National, 67000 Strasbourg", sb.VATStandard, 0, false},
	{25, "Céline Arnaud", "Rennes", "9 rue Saint-Malo, 35000 Rennes", sb.VATFranchise, 0, false},
	{26, "Yannick Le Bihan", "Rennes", "72 boulevard de la Liberté, 35000 Rennes", sb.VATStandard, 0, false},
	{27, "Aurélie Pons", "Montpellier", "14 rue de l'Aiguillerie, 34000 Montpellier", sb.VATFranchise, 0, false},
	{28, "Sébastien Roussel", "Montpellier", "6 rue de Sébastopol, 98800 Nouméa", sb.VATStandard, 0, false},
	{29, "Mélanie Colin", "Paris", "87 rue des Pyrénées, 75020 Paris", sb.VATStandard, 0, false},
	{30, "Rémi Chevalier", "Paris", "21 rue Oberkampf, 75011 Paris", sb.VATStandard, 0, true},
	// added for issue 21: a reduction installment paid (demo.reductionInstallment)
	{31, "Nolwenn Quéré", "Rennes", "5 rue de Nemours, 35000 Rennes", sb.VATStandard, 0, false},
	{32, "Erwan Le Gall", "Rennes", "18 rue de Saint-Brieuc, 35000 Rennes", sb.VATStandard, 0, false},
}

// The demo's repairers the transfer file does not pay (issue 23): one without an IBAN, one whose
// IBAN fails its check digits, one in New Caledonia, outside the SEPA area.
const (
	demoNoIBAN  = 9
	demoBadIBAN = 14
	demoAbroad  = 28
)

// demoQuiet are the repairers whose month the story controls to the cent: they get no
// background work.
var demoQuiet = map[int64]bool{3: true, 12: true, 21: true, 30: true, 31: true, 32: true}

// demoSupport are the support agents who take decisions.
var demoSupport = []string{"Camille Perrin (support)", "Yanis Haddad (support)", "Bérénice Caron (support)"}

// demo builds the three steps.
type demo struct {
	steps    [3]Step
	ivs      map[int64]sb.Intervention // every story intervention, for lookups
	credit   int64                     // last credit id
	customer int64                     // last story customer id
}

// opSpec is an operation to create.
type opSpec struct {
	label             string
	price, commission int64
	related           bool
}

// op is an operation of ordinary work (sav_related = 0).
func op(label string, price, commission int64) opSpec {
	return opSpec{label, price, commission, false}
}

// fix is corrective work or its travel on a SAV visit (sav_related = 1).
func fix(label string, price, commission int64) opSpec {
	return opSpec{label, price, commission, true}
}

// operationID is the stable id of the index-th operation of intervention iv.
func operationID(iv int64, index int) int64 { return 100000 + 10*iv + int64(index) }

func (d *demo) at(step, day, hh, mm int) time.Time {
	p := d.steps[step].Period
	return at(p.Year, p.Month, day, hh, mm)
}

func (d *demo) story(step int, format string, args ...any) {
	d.steps[step].Story = append(d.steps[step].Story, fmt.Sprintf(format, args...))
}

func (d *demo) repairers() {
	for _, r := range demoNetwork {
		s := siret(84215000 + 37*r.id)
		rep := sb.Repairer{
			ID: r.id, Name: r.name, Email: slug(r.name) + "@example.com", Address: r.address,
			SIRET: s, VATRegime: r.regime, Active: !r.inactive,
		}
		if r.regime == sb.VATStandard {
			rep.VATNumber = vatNumber(s)
		}
		// the optional columns (docs/contract.md): the address's postcode and city, the
		// country, an IBAN; a legal form and the option for VAT on debits for some
		if i := strings.LastIndex(r.address, ", "); i >= 0 {
			if pc, city, ok := strings.Cut(r.address[i+2:], " "); ok {
				rep.Postcode, rep.City = pc, city
			}
		}
		rep.CountryCode = "FR"
		rep.IBAN = ibanFR(30006, 1, 42000000000+r.id)
		rep.BIC = "AGRIFRPPXXX"
		// issue 23: the transfer file's cases, each listed in the workbook's Paiements sheet
		switch r.id {
		case demoNoIBAN:
			rep.IBAN, rep.BIC = "", ""
		case demoBadIBAN: // two digits of the account number swapped: the check digits disagree
			b := []byte(rep.IBAN)
			b[23], b[24] = b[24], b[23]
			rep.IBAN = string(b)
		case demoAbroad: // New Caledonia (franc CFP): outside the SEPA area
			rep.CountryCode = "NC"
		}
		rep.LegalForm, rep.VATOnDebits = demoLegal[r.id].form, demoLegal[r.id].debits
		if r.deductible > 0 {
			ded := r.deductible
			rep.DeductibleCents = &ded
		}
		d.steps[0].Insert.Repairers = append(d.steps[0].Insert.Repairers, rep)
	}
}

// demoLegal are the legal forms (printed under the name) and options for VAT on debits of some
// demo repairers; the others have neither.
var demoLegal = map[int64]struct {
	form   string
	debits bool
}{
	1:  {"Entrepreneur individuel (EI), RM 842 150 377 Paris", false},
	2:  {"SARL au capital de 8 000 €, RCS Paris 842 150 414", true},
	12: {"SAS au capital de 20 000 €, RCS Bordeaux 842 154 445", true},
}

// ibanFR is the French IBAN of an account (bank and branch codes, 11-digit account number):
// its RIB key, then the ISO 13616 check digits.
func ibanFR(bank, branch, account int64) string {
	rib := 97 - (89*bank+15*branch+3*account)%97
	bban := fmt.Sprintf("%05d%05d%011d%02d", bank, branch, account, rib)
	rem := 0
	for _, c := range bban + "FR00" {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		default:
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	return fmt.Sprintf("FR%02d%s", 98-rem, bban)
}

// who names repairer id for a story: « R3 Gaëlle Moreau ».
func who(id int64) string { return fmt.Sprintf("R%d %s", id, demoNetwork[id-1].name) }

// add makes an intervention and inserts it in step's rows.
func (d *demo) add(step int, id, repairer, customer int64, kind string, original int64, status string,
	closed time.Time, ops ...opSpec) sb.Intervention {
	if customer == 0 {
		d.customer++
		customer = 500000 + d.customer
	}
	iv := sb.Intervention{ID: id, RepairerID: repairer, CustomerID: customer,
		City: demoNetwork[repairer-1].city, Kind: kind, OriginalID: original, Status: status, ClosedAt: closed}
	for j, o := range ops {
		iv.Operations = append(iv.Operations, sb.Operation{ID: operationID(id, j), InterventionID: id,
			Label: o.label, PriceCents: o.price, CommissionCents: o.commission, SAVRelated: o.related})
	}
	d.ivs[id] = iv
	d.steps[step].Insert.Interventions = append(d.steps[step].Insert.Interventions, iv)
	return iv
}

// job is an ordinary closed intervention for a new customer.
func (d *demo) job(step int, id, repairer int64, closed time.Time, ops ...opSpec) sb.Intervention {
	return d.add(step, id, repairer, 0, sb.KindStandard, 0, sb.StatusClosed, closed, ops...)
}

// sav is a closed SAV visit of repairer on original, for the original's customer.
func (d *demo) sav(step int, id, repairer, original int64, closed time.Time, ops ...opSpec) sb.Intervention {
	return d.add(step, id, repairer, d.ivs[original].CustomerID, sb.KindSAV, original,
		sb.StatusClosed, closed, ops...)
}

// corrective is C: the commissions of the SAV's sav_related operations.
func corrective(iv sb.Intervention) int64 {
	var c int64
	for _, o := range iv.Operations {
		if o.SAVRelated {
			c += o.CommissionCents
		}
	}
	return c
}

// relatedPrice is the customer price of the SAV's sav_related operations.
func relatedPrice(iv sb.Intervention) int64 {
	var c int64
	for _, o := range iv.Operations {
		if o.SAVRelated {
			c += o.PriceCents
		}
	}
	return c
}

// travelPrice is the customer price of the SAV's travel fee.
func travelPrice(iv sb.Intervention) int64 {
	for _, o := range iv.Operations {
		if o.Label == travelLabel {
			return o.PriceCents
		}
	}
	return 0
}

// decision is a decision row taken at t.
func decision(sav int64, outcome string, bp int, faulty, damage int64, t time.Time, note string) sb.Decision {
	return sb.Decision{SAVID: sav, Outcome: outcome, ChargeBP: bp, FaultyRepairerID: faulty,
		DamageCents: damage, DecidedAt: t, DecidedBy: demoSupport[sav%int64(len(demoSupport))], Note: note}
}

// decide inserts the decision in step's rows with the customer credit that fits it: the
// corrective work's price (its share for a partial), 4,00 € for unconfirmed, the travel fee
// for rejected.
func (d *demo) decide(step int, dec sb.Decision) {
	d.steps[step].Insert.Decisions = append(d.steps[step].Insert.Decisions, dec)
	iv := d.ivs[dec.SAVID]
	switch dec.Outcome {
	case sb.OutcomeConfirmed:
		d.grant(step, dec.SAVID, relatedPrice(iv), dec.DecidedAt, "Prise en charge SAV totale")
	case sb.OutcomePartial:
		bp := int64(dec.ChargeBP)
		if bp < 1 || bp > 9999 {
			bp = 7500 // what support meant: see SAV 2016
		}
		d.grant(step, dec.SAVID, share(relatedPrice(iv), bp), dec.DecidedAt,
			fmt.Sprintf("Prise en charge SAV partielle (%d %%)", bp/100))
	case sb.OutcomeUnconfirmed:
		d.grant(step, dec.SAVID, 400, dec.DecidedAt, "Geste commercial : SAV non confirmé")
	case sb.OutcomeRejected:
		d.grant(step, dec.SAVID, travelPrice(iv), dec.DecidedAt, "Frais de déplacement offerts : pas de SAV")
	}
}

// grant inserts a customer credit on intervention iv, granted five minutes after t.
func (d *demo) grant(step int, iv, amount int64, t time.Time, reason string) {
	d.credit++
	d.steps[step].Insert.Credits = append(d.steps[step].Insert.Credits, sb.Credit{
		ID: d.credit, InterventionID: iv, AmountCents: amount, GrantedAt: t.Add(5 * time.Minute), Reason: reason})
}
