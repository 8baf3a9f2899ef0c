package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	sb "savbilling"
	"savbilling/internal/glyphs"
	"savbilling/templates"
)

// glyphChain is the fallback chain of the embedded fonts, the ones the documents print with.
var glyphChain = sync.OnceValues(func() (*glyphs.Chain, error) {
	set, err := templates.Load("")
	if err != nil {
		return nil, err
	}
	return set.Glyphs, nil
})

// textWarning is a text of the book that the documents print with a substitute: a rune that no
// embedded font can draw (glyphs.Chain.Missing). It is listed in the Anomalies sheet as a
// warning, after the close's anomalies.
type textWarning struct {
	repairer int64  // 0: the network
	name     string // the repairer's name
	field    string // « Nom », « Adresse »…
	order    int    // the field's place, to sort
	missing  []rune
}

// checkText records a warning when the documents print a rune of s with the substitute.
func (x *index) checkText(repairer int64, name, field string, order int, s string) {
	if x.glyphs == nil || s == "" {
		return
	}
	missing := x.glyphs.Missing(s)
	if len(missing) == 0 {
		return
	}
	for _, w := range x.warnings {
		if w.repairer == repairer && w.field == field {
			return // the same repairer in a statement and an invoice
		}
	}
	x.warnings = append(x.warnings, textWarning{repairer: repairer, name: name, field: field, order: order, missing: missing})
}

// checkParty checks the fields of a repairer that the documents print.
func (x *index) checkParty(p sb.Party) {
	for i, f := range []struct{ field, text string }{
		{"Nom", p.Name}, {"Adresse", p.Address}, {"SIRET", p.SIRET}, {"N° TVA", p.VATNumber},
	} {
		x.checkText(p.ID, p.Name, f.field, i, f.text)
	}
}

// checkIssuer checks the fields of the network's identity that the documents print.
func (x *index) checkIssuer(is sb.Issuer) {
	for i, f := range []struct{ field, text string }{
		{"Nom", is.Name}, {"Forme juridique", is.LegalForm}, {"Adresse", is.Address}, {"SIRET", is.SIRET},
		{"N° TVA", is.VATNumber}, {"RCS", is.RCS}, {"E-mail", is.Email}, {"IBAN", is.IBAN}, {"BIC", is.BIC},
	} {
		x.checkText(0, is.Name, f.field, i, f.text)
	}
}

// sortedWarnings returns the warnings by repairer id (the network first), then field.
func (x *index) sortedWarnings() []textWarning {
	w := slices.Clone(x.warnings)
	slices.SortStableFunc(w, func(a, b textWarning) int {
		if a.repairer != b.repairer {
			if a.repairer < b.repairer {
				return -1
			}
			return 1
		}
		return a.order - b.order
	})
	return w
}

// row fills an Anomalies row (Élément, Motif, Correction, Gravité, ID réparateur, Réparateur).
func (w textWarning) row(r []any) {
	item, fix := "réseau (identité)", "Corriger l'identité du réseau dans la configuration ; sinon les documents l'impriment ainsi."
	if w.repairer != 0 {
		item = "réparateur " + strconv.FormatInt(w.repairer, 10)
		fix = "Corriger la fiche du réparateur dans la source ; sinon les documents l'impriment ainsi."
	}
	var chars []string
	for _, r := range w.missing {
		chars = append(chars, fmt.Sprintf("%c (U+%04X)", r, r))
	}
	reason := fmt.Sprintf("%s : caractères qu'aucune police des documents ne sait imprimer, imprimés « %c » : %s",
		w.field, glyphs.Substitute, strings.Join(chars, ", "))
	r[0], r[1], r[2], r[3] = item, reason, fix, "avertissement"
	if w.repairer != 0 {
		r[4], r[5] = w.repairer, w.name
	}
}
