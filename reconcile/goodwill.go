package reconcile

import (
	"fmt"

	sb "savbilling"
	"savbilling/money"
)

// goodwill reports the customer credits granted on SAV visits whose decision is booked (in this
// close or an earlier one). Credits on a SAV still pending or held wait for it. Credits on an
// unconfirmed or rejected SAV are a cost borne by the network; on a confirmed or partial one the
// corrective work is recharged to the faulty repairer. Whether the credits fit the outcome is
// checked over the credits of one SAV reported together:
//   - confirmed, partial: at most the customer price of the corrective operations;
//   - unconfirmed: at least Rules.UnconfirmedMinCreditCents (4,00 €) and at most that price;
//   - rejected: at most that price (the travel fee is one of the corrective operations).
func goodwill(in *sb.CloseInput, now map[int64]sb.SAVState, anoms *anomalies) []sb.Goodwill {
	type group struct {
		state sb.SAVState
		idx   []int
		sum   int64
		bad   bool
	}
	var out []sb.Goodwill
	groups := map[int64]*group{}
	var order []int64
	seen := map[int64]bool{}
	for _, c := range in.Credits {
		if seen[c.ID] { // the same row twice (a view without key): reported once
			anoms.warn(savItem(c.InterventionID), 0, fmt.Sprintf("la ligne du crédit %d apparaît deux fois dans la source : comptée une fois", c.ID),
				"corriger la vue ou la table client_credits (identifiant unique)")
			continue
		}
		seen[c.ID] = true
		st, ok := now[c.InterventionID]
		if !ok {
			st, ok = in.Processed[c.InterventionID]
		}
		if !ok {
			continue // the SAV's decision is not booked yet
		}
		if c.Defect != nil { // not reported: read again at the next close, once corrected
			anoms.warn(savItem(c.InterventionID), 0, fmt.Sprintf("crédit %d non reporté : %s", c.ID, c.Defect.Reason), c.Defect.Fix)
			continue
		}
		g := groups[c.InterventionID]
		if g == nil {
			g = &group{state: st}
			groups[c.InterventionID] = g
			order = append(order, c.InterventionID)
		}
		var err error
		if c.AmountCents < 0 || c.AmountCents > sb.MaxAmountCents {
			g.bad = true
		} else if g.sum, err = money.Add(g.sum, c.AmountCents); err != nil {
			g.bad = true
		}
		g.idx = append(g.idx, len(out))
		out = append(out, sb.Goodwill{CreditID: c.ID, SAVID: c.InterventionID, AmountCents: c.AmountCents,
			GrantedAt: c.GrantedAt, Reason: c.Reason, Outcome: st.Outcome,
			BorneByNetwork: st.Outcome == sb.OutcomeUnconfirmed || st.Outcome == sb.OutcomeRejected, Fits: true})
	}
	for _, sav := range order {
		g := groups[sav]
		warnDuplicates(out, g.idx, anoms)
		note := creditMismatch(in.Rules, g.state, g.sum, g.bad)
		if note == "" {
			continue
		}
		for _, i := range g.idx {
			out[i].Fits, out[i].Note = false, note
		}
		anoms.warn(savItem(sav), 0, "crédits client incohérents avec la décision : "+note,
			"vérifier les crédits accordés au client (client_credits)")
	}
	return out
}

// creditMismatch says how the credits of a SAV do not fit its outcome, or "" when they do.
func creditMismatch(r sb.Rules, st sb.SAVState, sum int64, bad bool) string {
	switch {
	case bad:
		return "crédit négatif ou improbable (au plus 100 000 000,00 €)"
	case st.Outcome == sb.OutcomeUnconfirmed && sum < r.UnconfirmedMinCreditCents:
		return fmt.Sprintf("SAV non confirmé : %s crédités, au moins %s attendus", eur(sum), eur(r.UnconfirmedMinCreditCents))
	case sum > st.RelatedPriceCents:
		return fmt.Sprintf("%s crédités, plus que le prix des opérations correctives (%s)", eur(sum), eur(st.RelatedPriceCents))
	}
	return ""
}

// warnDuplicates warns about credits of one SAV with the same amount granted at the same instant:
// most likely one gesture entered twice. Both are reported; finance decides.
func warnDuplicates(all []sb.Goodwill, idx []int, anoms *anomalies) {
	type key struct {
		amount int64
		at     int64
	}
	first := map[key]int64{}
	for _, i := range idx {
		g := all[i]
		k := key{g.AmountCents, g.GrantedAt.Unix()}
		if id, ok := first[k]; ok {
			anoms.warn(savItem(g.SAVID), 0, fmt.Sprintf("crédits %d et %d identiques (même montant, même instant) : doublon probable", id, g.CreditID),
				"supprimer le crédit en double dans client_credits, ou confirmer les deux gestes")
			continue
		}
		first[k] = g.CreditID
	}
}
