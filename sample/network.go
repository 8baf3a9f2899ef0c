package sample

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	sb "savbilling"
)

// Options sizes the synthetic network of Network.
type Options struct {
	Repairers     int       // repairers, ids 1..Repairers (at least 2)
	Interventions int       // interventions per month
	Months        int       // months generated, the last being Last (at least 1)
	Seed          int64     // every draw derives from it
	Last          sb.Period // the last month generated
}

// The mix of the synthetic network, per million interventions (classes) or per ten thousand
// SAVs (sub-classes).
const (
	netSAVPPM       = 30000 // ~3 % SAV visits
	netOpenPPM      = 3000  // ~0.3 % still open
	netCancelledPPM = 5000  // ~0.5 % cancelled
	netLatePPM      = 1000  // ~0.1 % late arrivals: closed in the previous month
	netNegativePPM  = 50    // ~0.005 % with a negative commission (anomaly)
	netMissingPTT   = 17    // ~0.17 % of SAVs (0.005 % of interventions) with a missing original
	netPendingPTT   = 100   // ~1 % of SAVs without decision
)

// Network calls emit once per month, oldest first, with that month's rows (repairers only in
// the first call). It is deterministic for a seed and holds one month in memory at a time, so
// it scales to 20 000 repairers × 1 000 000 interventions a month.
//
// Ids: repairers 1..Repairers; interventions 1 + m × Interventions + i for the i-th
// intervention of the m-th month (0-based), so exactly Interventions per month; operations
// from 1 upward; a credit has the id of its SAV. The mix: 1–4 operations per intervention at
// 60–75 % commission; ~3 % SAV (confirmed 40 %, partial 20 %, unconfirmed 25 %, rejected 15 %;
// ~5 % with damage, some above the deductible; ~1 % pending, without decision), whose original
// is an earlier closed intervention of another repairer at most two months older, with the
// customer credit that fits the outcome; ~0.3 % open and ~0.5 % cancelled; ~0.1 % late
// arrivals (closed in the previous month, emitted with this one); ~0.01 % anomalies (an
// operation with a negative commission, a SAV whose original does not exist). About 1 % of
// repairers are inactive and get no new work. Closed interventions are closed in id order
// within their month, between 06:00 and 18:00 UTC.
func Network(opts Options, emit func(p sb.Period, src sb.Source) error) error {
	switch {
	case opts.Repairers < 2:
		return errors.New("sample: Network needs at least 2 repairers")
	case opts.Interventions < 0:
		return errors.New("sample: Network needs a non-negative number of interventions")
	case opts.Months < 1:
		return errors.New("sample: Network needs at least 1 month")
	case opts.Last.Year < 1 || opts.Last.Month < time.January || opts.Last.Month > time.December:
		return fmt.Errorf("sample: Network needs a valid last period, not %v", opts.Last)
	}
	g := &netGen{opts: opts, seed: uint64(opts.Seed), r: int64(opts.Repairers), n: int64(opts.Interventions)}
	for m := range opts.Months {
		p := opts.Last.AddMonths(m - (opts.Months - 1))
		var src sb.Source
		if m == 0 {
			src.Repairers = g.repairers()
		}
		g.month(m, p, &src)
		if err := emit(p, src); err != nil {
			return err
		}
	}
	return nil
}

// Intervention classes of the synthetic network.
const (
	classStandard = iota
	classSAV
	classOpen
	classCancelled
	classLate
	classNegative
)

// Salts that keep the generator's streams apart.
const (
	saltHeader   = 0x6865616465720000
	saltMonth    = 0x6d6f6e7468000000
	saltRepairer = 0x7265706169720000
)

// netGen generates the synthetic network.
type netGen struct {
	opts   Options
	seed   uint64
	r, n   int64
	lastOp int64
	jobs   [5]job // scratch for pickJobs
}

// header is what is fixed about an intervention by its id alone, so that a SAV can look at an
// earlier intervention without keeping it.
type header struct {
	class    int
	repairer int64
	customer int64
	sub      uint64 // SAV: its sub-class draw, 0..9999
}

func (g *netGen) header(id int64) header {
	pcg := rand.NewPCG(g.seed, uint64(id)^saltHeader)
	x, y := pcg.Uint64(), pcg.Uint64()
	h := header{class: classStandard, repairer: g.active(int64((x>>20)%uint64(g.r)) + 1),
		customer: 1 + int64(y%uint64(g.r*60)), sub: (x >> 44) % 10000}
	switch u := x % 1_000_000; {
	case u < netSAVPPM:
		h.class = classSAV
	case u < netSAVPPM+netOpenPPM:
		h.class = classOpen
	case u < netSAVPPM+netOpenPPM+netCancelledPPM:
		h.class = classCancelled
	case u < netSAVPPM+netOpenPPM+netCancelledPPM+netLatePPM:
		if (id-1)/g.n > 0 { // the first month has no previous month
			h.class = classLate
		}
	case u < netSAVPPM+netOpenPPM+netCancelledPPM+netLatePPM+netNegativePPM:
		h.class = classNegative
	}
	return h
}

// inactive reports whether repairer r has left the network (about one in a hundred).
func inactive(r int64) bool { return r%97 == 0 }

// active returns r, or when r is inactive an active repairer of the same city.
func (g *netGen) active(r int64) int64 {
	if inactive(r) {
		return r - int64(len(netCities))
	}
	return r
}

// cityOf is the city of repairer r.
func cityOf(r int64) netCity { return netCities[r%int64(len(netCities))] }

// colleague picks another active repairer of the same city as repairer of, or any other when
// the city has no other.
func (g *netGen) colleague(rng *rand.Rand, of int64) int64 {
	k := int64(len(netCities))
	start := of % k
	if start == 0 {
		start = k
	}
	if count := (g.r-start)/k + 1; count >= 2 {
		for range 8 {
			if r := g.active(start + k*rng.Int64N(count)); r != of {
				return r
			}
		}
	}
	return g.active(of%g.r + 1)
}

// netCity is a city of the synthetic network.
type netCity struct {
	name, postcode string
	streets        []string
}

var netCities = []netCity{
	{"Paris", "750", []string{"rue de la Roquette", "boulevard Voltaire", "rue des Pyrénées", "rue Oberkampf", "avenue Parmentier", "rue de Ménilmontant"}},
	{"Lyon", "6900", []string{"rue Mercière", "cours Gambetta", "rue de Marseille", "cours Lafayette", "rue Garibaldi"}},
	{"Marseille", "130", []string{"rue de la République", "cours Julien", "boulevard Baille", "rue Paradis", "rue de Rome"}},
	{"Bordeaux", "3300", []string{"cours Victor-Hugo", "rue Sainte-Catherine", "quai des Chartrons", "cours de l'Yser"}},
	{"Lille", "5900", []string{"rue Solférino", "rue Nationale", "boulevard de la Liberté", "rue Gambetta"}},
	{"Nantes", "4400", []string{"rue Crébillon", "quai de la Fosse", "rue de Strasbourg", "boulevard Guist'hau"}},
	{"Toulouse", "3100", []string{"rue d'Alsace-Lorraine", "allée Jean-Jaurès", "rue des Filatiers", "boulevard de Strasbourg"}},
	{"Strasbourg", "6700", []string{"quai des Bateliers", "rue du Faubourg-National", "Grand'Rue"}},
	{"Rennes", "3500", []string{"rue Saint-Malo", "boulevard de la Liberté", "rue de Nemours"}},
	{"Montpellier", "3400", []string{"rue de l'Aiguillerie", "avenue de Toulouse", "rue du Faubourg-Boutonnet"}},
	{"Nice", "0600", []string{"avenue Jean-Médecin", "rue de France", "boulevard Gambetta"}},
	{"Grenoble", "3800", []string{"cours Berriat", "avenue Alsace-Lorraine", "rue Très-Cloîtres"}},
}

var firstNames = []string{"Éloïse", "François", "Gaëlle", "Noël", "Zoé", "Anaïs", "Loïc", "Hélène", "Jérôme",
	"Maëlle", "Benoît", "Clémence", "Théo", "Inès", "Gwenaël", "Raphaël", "Solène", "Mathéo", "Lucie",
	"Frédéric", "Céline", "Yannick", "Aurélie", "Sébastien", "Mélanie", "Rémi", "Léa", "Chloé", "Joël", "Agnès"}

var lastNames = []string{"Lefèvre", "Moreau", "Giraud", "Lambert", "Fabre", "Roux", "Bernard", "Garnier",
	"Dupuy", "Girard", "Lemaire", "Dufour", "Vasseur", "Moulin", "Le Goff", "Ortiz", "Castex", "Rivière",
	"Bénard", "Kœnig", "Arnaud", "Le Bihan", "Pons", "Roussel", "Colin", "Chevalier", "Nguyễn", "Bréhat"}

var companyNames = []string{"Cœur de Vélo", "Atelier %s", "%s Cycles", "Vélo Service %s", "Bécane & Cie",
	"Roue Libre %s", "Les Rayons de %s"}

func (g *netGen) repairers() []sb.Repairer {
	rng := rand.New(rand.NewPCG(g.seed, saltRepairer))
	out := make([]sb.Repairer, g.r)
	for i := range out {
		id := int64(i + 1)
		city := cityOf(id)
		name := firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
		if rng.IntN(10) == 0 {
			name = companyNames[rng.IntN(len(companyNames))]
			if strings.Contains(name, "%s") {
				name = fmt.Sprintf(name, city.name)
			}
		}
		postcode := city.postcode
		for len(postcode) < 5 {
			postcode += string(rune('1' + rng.IntN(9)))
		}
		s := siret(30000000 + id)
		rep := sb.Repairer{
			ID: id, Name: name, Email: fmt.Sprintf("%s.%d@example.com", slug(name), id),
			Address: fmt.Sprintf("%d %s, %s %s", 1+rng.IntN(150), city.streets[rng.IntN(len(city.streets))], postcode, city.name),
			SIRET:   s, VATRegime: sb.VATStandard, Active: !inactive(id),
		}
		if rng.IntN(100) < 35 {
			rep.VATRegime = sb.VATFranchise
		} else {
			rep.VATNumber = vatNumber(s)
		}
		if rng.IntN(100) < 8 {
			ded := int64(15000)
			if rng.IntN(2) == 0 {
				ded = 30000
			}
			rep.DeductibleCents = &ded
		}
		out[i] = rep
	}
	return out
}

// workSeconds is the length of a working day of the generator: 06:00–18:00 UTC, well inside
// the Paris day whatever the season.
const workSeconds = 12 * 3600

// workTime is second s of the working days of period p, counted from the 1st.
func workTime(p sb.Period, s int64) time.Time {
	day, sec := s/workSeconds, s%workSeconds
	return time.Date(p.Year, p.Month, 1+int(day), 6, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
}

// daysIn is the number of days of period p.
func daysIn(p sb.Period) int64 {
	return int64(time.Date(p.Year, p.Month+1, 0, 0, 0, 0, 0, time.UTC).Day())
}

// opSlab hands out operation slices from large shared blocks, to spare an allocation per
// intervention.
type opSlab struct{ block []sb.Operation }

func (s *opSlab) take(n int) []sb.Operation {
	if len(s.block)+n > cap(s.block) {
		s.block = make([]sb.Operation, 0, 1<<14)
	}
	start := len(s.block)
	s.block = s.block[:start+n]
	return s.block[start : start+n : start+n]
}

func (g *netGen) month(m int, p sb.Period, src *sb.Source) {
	rng := rand.New(rand.NewPCG(g.seed^saltMonth, uint64(m)))
	total := daysIn(p) * workSeconds
	prev := p.Prev()
	prevTotal := daysIn(prev) * workSeconds
	first := 1 + int64(m)*g.n
	src.Interventions = make([]sb.Intervention, g.n)
	savs := g.n*netSAVPPM/1_000_000 + 16
	src.Decisions = make([]sb.Decision, 0, savs)
	src.Credits = make([]sb.Credit, 0, savs)
	var slab opSlab
	for i := range g.n {
		id := first + i
		h := g.header(id)
		iv := &src.Interventions[i]
		*iv = sb.Intervention{ID: id, RepairerID: h.repairer, CustomerID: h.customer,
			Kind: sb.KindStandard, Status: sb.StatusClosed}
		base, next := i*total/g.n, (i+1)*total/g.n
		if next > base {
			base += rng.Int64N(next - base)
		}
		iv.ClosedAt = workTime(p, base)
		switch h.class {
		case classOpen:
			iv.Status, iv.ClosedAt = sb.StatusOpen, time.Time{}
		case classCancelled:
			iv.Status, iv.ClosedAt = sb.StatusCancelled, time.Time{}
		case classLate:
			iv.ClosedAt = workTime(prev, rng.Int64N(prevTotal))
		}
		if h.class == classSAV && g.sav(rng, iv, h, src) {
			iv.City = cityOf(iv.RepairerID).name
			continue
		}
		jobs := pickJobs(rng, 1+rng.IntN(4), g.jobs[:])
		iv.Operations = slab.take(len(jobs))
		for j, jb := range jobs {
			iv.Operations[j] = g.operation(rng, id, jb, false)
		}
		if h.class == classNegative {
			iv.Operations[0].CommissionCents = -iv.Operations[0].CommissionCents
		}
		iv.City = cityOf(iv.RepairerID).name
	}
}

func (g *netGen) operation(rng *rand.Rand, iv int64, jb job, related bool) sb.Operation {
	price, commission := jb.draw(rng)
	g.lastOp++
	return sb.Operation{ID: g.lastOp, InterventionID: iv, Label: jb.label, PriceCents: price,
		CommissionCents: commission, SAVRelated: related}
}

// original finds the original intervention of SAV id: an earlier closed standard intervention
// at most two months of ids back. ok is false when there is none.
func (g *netGen) original(rng *rand.Rand, id int64) (orig int64, h header, ok bool) {
	lo := max(1, id-2*g.n)
	if id <= lo {
		return 0, header{}, false
	}
	for c := lo + rng.Int64N(id-lo); c >= lo; c-- {
		if h = g.header(c); h.class == classStandard || h.class == classLate {
			return c, h, true
		}
	}
	return 0, header{}, false
}

// sav makes iv a SAV visit with its operations, decision and credit. It returns false, leaving
// iv a standard intervention, when there is no earlier intervention to be the original.
func (g *netGen) sav(rng *rand.Rand, iv *sb.Intervention, h header, src *sb.Source) bool {
	missing := h.sub < netMissingPTT
	if missing {
		iv.OriginalID = int64(g.opts.Months)*g.n + iv.ID // beyond every generated id
	} else {
		orig, oh, ok := g.original(rng, iv.ID)
		if !ok {
			return false
		}
		iv.OriginalID, iv.CustomerID = orig, oh.customer
		iv.RepairerID = g.colleague(rng, oh.repairer)
	}
	iv.Kind = sb.KindSAV
	jobs := pickJobs(rng, 1+rng.IntN(2), g.jobs[:])
	if jobs[len(jobs)-1] != travel {
		jobs = append(jobs, travel)
	}
	unrelated := len(jobs) < 4 && rng.IntN(4) == 0
	n := len(jobs)
	if unrelated {
		n++
	}
	iv.Operations = make([]sb.Operation, 0, n)
	var relatedPrice, travelFee int64
	for _, jb := range jobs {
		o := g.operation(rng, iv.ID, jb, true)
		relatedPrice += o.PriceCents
		if jb == travel {
			travelFee = o.PriceCents
		}
		iv.Operations = append(iv.Operations, o)
	}
	if unrelated {
		jb := catalogue[rng.IntN(len(catalogue))]
		iv.Operations = append(iv.Operations, g.operation(rng, iv.ID, jb, false))
	}
	if !missing && h.sub < netMissingPTT+netPendingPTT {
		return true // pending: no decision yet
	}
	dec := sb.Decision{SAVID: iv.ID, DecidedAt: iv.ClosedAt.Add(-time.Duration(5+rng.IntN(115)) * time.Minute),
		DecidedBy: demoSupport[rng.IntN(len(demoSupport))]}
	credit := sb.Credit{ID: iv.ID, InterventionID: iv.ID, GrantedAt: dec.DecidedAt.Add(5 * time.Minute)}
	switch o := rng.IntN(100); {
	case o < 40:
		dec.Outcome, credit.AmountCents, credit.Reason = sb.OutcomeConfirmed, relatedPrice, "Prise en charge SAV totale"
	case o < 60:
		dec.Outcome, dec.ChargeBP = sb.OutcomePartial, 1000+rng.IntN(8001)
		credit.AmountCents = share(relatedPrice, int64(dec.ChargeBP))
		credit.Reason = "Prise en charge SAV partielle"
	case o < 85:
		dec.Outcome, credit.AmountCents, credit.Reason = sb.OutcomeUnconfirmed, 400, "Geste commercial : SAV non confirmé"
	default:
		dec.Outcome, credit.AmountCents, credit.Reason = sb.OutcomeRejected, travelFee, "Frais de déplacement offerts : pas de SAV"
	}
	if dec.Outcome == sb.OutcomeConfirmed || dec.Outcome == sb.OutcomePartial {
		if rng.IntN(1000) < 83 { // ~5 % of all SAVs
			if rng.IntN(2) == 0 {
				dec.DamageCents = 3000 + 50*rng.Int64N(340) // within the umbrella deductible
			} else {
				dec.DamageCents = 20050 + 50*rng.Int64N(2600) // above it
			}
		}
		if rng.IntN(100) == 0 {
			dec.FaultyRepairerID = g.active(1 + rng.Int64N(g.r))
		}
	}
	src.Decisions = append(src.Decisions, dec)
	src.Credits = append(src.Credits, credit)
	return true
}
