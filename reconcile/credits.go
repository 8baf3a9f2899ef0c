package reconcile

import (
	"cmp"
	"fmt"
	"slices"

	sb "savbilling"
)

// withStrayCredits adds to gw (the goodwill of SAV credits) the customer credits granted on an
// intervention that is not a SAV, or that does not exist (CloseInput.StrayCredits), and returns
// them all in credit id order. Nothing is dropped: such a credit is still money the network gave
// the customer, so it is listed in Gestes commerciaux as borne by the network (Outcome "": no
// decision; not conforming, with a note saying why), reported once, and warned about in the
// anomalies with what to check.
func withStrayCredits(gw []sb.Goodwill, in *sb.CloseInput, anoms *anomalies) []sb.Goodwill {
	if len(in.StrayCredits) == 0 {
		return gw
	}
	seen := map[int64]bool{}
	for _, c := range in.StrayCredits {
		item := fmt.Sprintf("crédit %d (intervention %d)", c.ID, c.InterventionID)
		if seen[c.ID] { // the same row twice (a view without key): reported once
			anoms.warn(item, c.RepairerID, fmt.Sprintf("la ligne du crédit %d apparaît deux fois dans la source : comptée une fois", c.ID),
				"corriger la vue ou la table client_credits (identifiant unique)")
			continue
		}
		seen[c.ID] = true
		if c.Defect != nil { // not reported: read again at the next close, once corrected
			anoms.warn(item, c.RepairerID, fmt.Sprintf("crédit %d non reporté : %s", c.ID, c.Defect.Reason), c.Defect.Fix)
			continue
		}
		where, fix := "une intervention qui n'est pas un SAV", "vérifier le geste auprès du support : un geste commercial "+
			"se rattache à un SAV (client_credits.intervention_id) ; celui-ci est reporté une fois, ici, à la charge du réseau"
		if c.Missing {
			where, fix = "une intervention inexistante", "corriger client_credits.intervention_id (aucune intervention "+
				"de cet identifiant) ; le geste est reporté une fois, ici, à la charge du réseau"
		}
		note := "geste sur " + where + " : à la charge du réseau"
		if c.AmountCents < 0 || c.AmountCents > sb.MaxAmountCents {
			note += " ; montant négatif ou improbable"
		}
		gw = append(gw, sb.Goodwill{CreditID: c.ID, SAVID: c.InterventionID, AmountCents: c.AmountCents,
			GrantedAt: c.GrantedAt, Reason: c.Reason, BorneByNetwork: true, Note: note})
		anoms.warn(item, c.RepairerID, fmt.Sprintf("geste commercial de %d centimes sur %s : reporté dans « Gestes commerciaux », "+
			"à la charge du réseau", c.AmountCents, where), fix)
	}
	slices.SortStableFunc(gw, func(x, y sb.Goodwill) int { return cmp.Compare(x.CreditID, y.CreditID) })
	return gw
}
