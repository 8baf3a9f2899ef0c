package sample

import "math/rand/v2"

// job is an operation of the catalogue with its usual customer price range, in cents.
type job struct {
	label    string
	min, max int64
}

// travelLabel is the label of the travel fee, an operation of its own.
const travelLabel = "Frais de déplacement"

// catalogue lists the usual operations of a mobile bike repairer.
var catalogue = []job{
	{"Réglage des freins", 1500, 3500},
	{"Réglage du dérailleur", 1500, 3500},
	{"Changement de chaîne", 2500, 4500},
	{"Remplacement pneu", 2500, 5000},
	{"Réparation crevaison", 1500, 2500},
	{"Changement de chambre à air", 1500, 2500},
	{"Remplacement plaquettes de frein", 2500, 4500},
	{"Purge freins hydrauliques", 4000, 7000},
	{"Changement câbles et gaines", 3000, 5500},
	{"Dévoilage de roue", 2000, 4000},
	{"Remplacement cassette", 3500, 6500},
	{"Révision complète", 6000, 12000},
	{"Remplacement boîtier de pédalier", 4500, 9000},
	{"Remplacement jeu de direction", 4000, 8000},
	{"Montage garde-boue", 2000, 3500},
	{"Remplacement patte de dérailleur", 2500, 4000},
	{"Graissage et nettoyage transmission", 2000, 4000},
}

// travel is the travel fee's price range.
var travel = job{travelLabel, 1500, 2500}

// draw picks a price in the job's range (whole 50 cents) and a commission of 60–75 % of it.
func (j job) draw(rng *rand.Rand) (price, commission int64) {
	steps := (j.max - j.min) / 50
	price = j.min + 50*rng.Int64N(steps+1)
	commission = share(price, 6000+rng.Int64N(1501))
	return price, commission
}

// pickJobs draws n different jobs of the catalogue into buf[:0]; one in six interventions also
// bills the travel fee, as its last operation, within the n.
func pickJobs(rng *rand.Rand, n int, buf []job) []job {
	withTravel := n > 1 && rng.IntN(6) == 0
	if withTravel {
		n--
	}
	out := buf[:0]
	for len(out) < n {
		j := catalogue[rng.IntN(len(catalogue))]
		dup := false
		for _, o := range out {
			dup = dup || o.label == j.label
		}
		if !dup {
			out = append(out, j)
		}
	}
	if withTravel {
		out = append(out, travel)
	}
	return out
}
