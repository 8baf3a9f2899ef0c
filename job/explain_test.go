package job

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/invoices"
)

// demoExplained checks, on the demo's closed October and November, that each statement explains
// every euro in words (issue 19 points 2 to 5, domain.md « What a document explains »): an
// adjustment names the decision before and after, what was already charged and on which earlier
// statement, and the difference now; damage names its policy, deductible, settlement or claim,
// and a claim on the repairer's own policy says they must declare it; an overflow says what is
// owed TTC and where it went; a line that charges nothing says so and why; each SAV says what
// happened (days, cities, decision and share).
func demoExplained(t *testing.T, bin, dir string, b *sb.Book) {
	t.Helper()
	number := func(repairer int64) string {
		if s := b.StatementOf(repairer); s != nil {
			return s.Number
		}
		t.Fatalf("%s: no statement of repairer %d", b.Period, repairer)
		return ""
	}
	due := func(repairer int64, debit bool) (string, string) {
		for _, v := range b.Invoices {
			if v.Repairer.ID == repairer && v.DebitNote() == debit {
				return v.Number, frfmt.FormatDate(sb.DayIn(v.DueOn, sb.Paris))
			}
		}
		t.Fatalf("%s: no invoice (debit note %v) of repairer %d", b.Period, debit, repairer)
		return "", ""
	}
	type check struct {
		name     string
		repairer int64
		want     func() []string
	}
	checks := map[sb.Period][]check{
		oct: {
			{"point 6: each intervention's service, its operations' labels", 1, func() []string {
				return []string{"Intervention Date de clôture Ville Prestations Montant HT",
					"2010 09/10/2026 Paris Remplacement cassette, Changement de chaîne, Frais de déplacement 80,00 €"}
			}},
			{"point 2: a damage added after the charge, with the earlier statement", 1, func() []string {
				return []string{"– Ajustement : dommage passé de 0,00 € à 60,00 € ; préjudice déjà retenu : 0,00 € (SAV imputé sur le relevé REL-1-2026-0001) ; dû selon la décision révisée : 60,00 € ; différence imputée ce mois-ci : 60,00 €.",
					"– Préjudice de 60,00 €, dans la franchise de 200,00 € de la RC Pro chapeau du réseau : règlement amiable de 60,00 €, retenu hors TVA."}
			}},
			{"point 3: a claim on the umbrella policy", 25, func() []string {
				return []string{"– Préjudice de 500,00 €, au-delà de la franchise de 200,00 € de la RC Pro chapeau du réseau : franchise de 200,00 € retenue hors TVA ; sinistre de 300,00 € déclaré à l'assureur."}
			}},
			{"point 4: an overflow invoiced and debit-noted, owed TTC with due dates", 12, func() []string {
				inv, invDue := due(12, false)
				note, noteDue := due(12, true)
				return []string{"Dû sur la facture " + inv + " : 1 741,20 € TTC (1 451,00 € HT), à payer au plus tard le " + invDue + ".",
					"Dû sur la note de débit " + note + " : 180,00 € (hors TVA), à payer au plus tard le " + noteDue + "."}
			}},
			{"point 4: an overflow spread on a two-part plan", 21, func() []string {
				return []string{"Dépassement de 64,00 € mis en échéancier ECH-21-2026-10 : 2 échéance(s), de novembre 2026 à décembre 2026, prélevées sur vos prochains relevés (voir l'échéancier).",
					"Soit 14,00 € de réductions (TVA non applicable) et 50,00 € d'indemnités hors TVA."}
			}},
			{"point 5: a rejected SAV charges nothing, in words", 16, func() []string {
				return []string{"SAV 2014 du 16/10/2026 à Lille, sur l'intervention 1037 du 11/09/2026 à Lille : pas de SAV.",
					"– Non imputé : pas de SAV. Rien n'est retenu."}
			}},
			{"a SAV says what happened: days, cities, decision and share", 12, func() []string {
				return []string{"SAV 2020 du 19/10/2026 à Bordeaux, sur l'intervention 1030 du 06/09/2026 à Bordeaux : prise en charge totale, part imputée 100 %.",
					"– Commission corrective : 1 418,00 € × 100 % = 1 418,00 €, déduits avant TVA."}
			}},
		},
		nov: {
			{"point 2: partial revised to confirmed, a further charge", 11, func() []string {
				return []string{"– Ajustement : décision passée de « partiel 33,33 % » à « confirmé » ; commission corrective déjà imputée : 15,00 € (SAV imputé sur le relevé REL-11-2026-0002) ; dû selon la décision révisée : 45,00 € ; différence imputée ce mois-ci : 30,00 €."}
			}},
			{"point 2: confirmed revised to partial, a refund", 29, func() []string {
				return []string{"SAV 2010 du 09/10/2026 à Paris, sur l'intervention 1033 du 08/09/2026 à Paris : prise en charge partielle, part imputée 50 %.",
					"– Ajustement : décision passée de « confirmé » à « partiel 50 % » ; commission corrective déjà imputée : 80,00 € (SAV imputé sur le relevé REL-29-2026-0002) ; dû selon la décision révisée : 40,00 € ; différence remboursée ce mois-ci : 40,00 €."}
			}},
			{"point 2: a damage removed, an indemnity refunded", 14, func() []string {
				return []string{"– Ajustement : dommage passé de 120,00 € à 0,00 € ; préjudice déjà retenu : 120,00 € (SAV imputé sur le relevé REL-14-2026-0001) ; dû selon la décision révisée : 0,00 € ; différence remboursée ce mois-ci : 120,00 €."}
			}},
			{"point 3: a claim on the repairer's own policy, to declare", 6, func() []string {
				return []string{"– Préjudice de 800,00 €, au-delà de la franchise de 150,00 € de votre propre RC Pro : franchise de 150,00 € retenue hors TVA ; sinistre de 650,00 € déclaré à l'assureur.",
					"– Ce sinistre de 650,00 € relève de votre propre RC Pro : vous devez le déclarer à votre assureur."}
			}},
			{"point 5: an unconfirmed SAV charges nothing, in words", 23, func() []string {
				return []string{"– Non imputé : SAV non confirmé. Rien n'est retenu."}
			}},
		},
	}
	if b.Period == oct && b.EInvoices() { // the e-invoice's line says the same
		n := number(1)
		xml, err := os.ReadFile(filepath.Join(dir, invoices.EInvoiceDir, n+".xml"))
		want := "<ram:Description>2026-10-09, Paris, Remplacement cassette, Changement de chaîne, Frais de déplacement</ram:Description>"
		if err != nil || !strings.Contains(string(xml), want) {
			t.Errorf("%s.xml lacks %s (%v)", n, want, err)
		}
	}
	for _, c := range checks[b.Period] {
		t.Run(b.Period.String()+"/"+c.name, func(t *testing.T) {
			n := number(c.repairer)
			text := flowText(t, bin, filepath.Join(dir, invoices.StatementsDir, n+".pdf"), n)
			for _, want := range c.want() {
				if !strings.Contains(text, want) {
					t.Errorf("%s lacks « %s »:\n%s", n, want, text)
				}
			}
		})
	}
}

// flowText is the text of statement number n's PDF as pdftotext -raw reads it, without its pages'
// footers and running headers (the lines that start « Relevé <n> — »), white space flattened: a
// paragraph that goes on over a page reads whole.
func flowText(t *testing.T, bin, file, n string) string {
	t.Helper()
	out, err := exec.Command(bin, "-raw", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", file, err)
	}
	var kept []string
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(strings.TrimLeft(line, "\f"), "Relevé "+n+" — ") {
			kept = append(kept, line)
		}
	}
	return whiteSpaces.ReplaceAllString(strings.Join(kept, " "), " ")
}
