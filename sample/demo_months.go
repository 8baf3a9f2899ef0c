package sample

// The demo's story, month by month, and its background of ordinary work.

import (
	"math/rand/v2"
	"time"

	sb "savbilling"
)

func (d *demo) month1() {
	const s = 0
	p0 := d.steps[0].Period.AddMonths(-4)
	old := d.add(s, 1000, 20, 0, sb.KindStandard, 0, sb.StatusClosed, at(p0.Year, p0.Month, 10, 10, 0),
		op("Remplacement boîtier de pédalier", 7000, 4900))

	// Originals, early in the month.
	d.job(s, 1001, 1, d.at(s, 2, 9, 15), op("Réglage des freins", 2500, 1700), op("Remplacement plaquettes de frein", 3800, 2600))
	d.job(s, 1002, 4, d.at(s, 3, 10, 0), op("Changement de chaîne", 3900, 2700), op("Réglage du dérailleur", 2500, 1700))
	d.job(s, 1003, 3, d.at(s, 3, 14, 30), op("Remplacement boîtier de pédalier", 5000, 3500))
	d.job(s, 1004, 3, d.at(s, 5, 11, 0), op("Changement de chambre à air", 1800, 1300), op("Réglage des freins", 1800, 1200))
	d.job(s, 1005, 30, d.at(s, 2, 8, 30), op("Révision complète", 6000, 4000))
	d.job(s, 1006, 7, d.at(s, 4, 9, 0), op("Purge freins hydrauliques", 5500, 3800))
	d.job(s, 1007, 14, d.at(s, 4, 13, 0), op("Remplacement jeu de direction", 6500, 4500))
	d.job(s, 1008, 17, d.at(s, 5, 15, 0), op("Changement câbles et gaines", 4200, 2900))
	// Originals of the second month's SAVs.
	d.job(s, 1030, 12, d.at(s, 6, 10, 0), op("Pose kit moteur pédalier (vélo cargo)", 18000, 12500))
	d.job(s, 1031, 12, d.at(s, 9, 14, 0), op("Remplacement roue arrière", 9000, 6300))
	d.job(s, 1032, 12, d.at(s, 16, 9, 30), op("Réglage des freins", 2500, 1700))
	d.job(s, 1033, 29, d.at(s, 8, 11, 0), op("Remplacement cassette", 5800, 4100), op("Changement de chaîne", 3600, 2500))
	d.job(s, 1034, 11, d.at(s, 9, 10, 30), op("Dévoilage de roue", 3000, 2100))
	hose := d.job(s, 1040, 9, d.at(s, 5, 10, 0), op("Remplacement durite de frein hydraulique", 4500, 3200))
	d.add(s, 1035, 8, hose.CustomerID, sb.KindStandard, 0, sb.StatusClosed, d.at(s, 10, 9, 0),
		op("Remplacement plaquettes de frein", 3800, 2700))
	d.job(s, 1036, 10, d.at(s, 10, 16, 0), op("Réglage du dérailleur", 2500, 1700))
	d.job(s, 1037, 16, d.at(s, 11, 10, 0), op("Remplacement pneu", 4000, 2800))
	d.job(s, 1038, 25, d.at(s, 12, 13, 30), op("Remplacement cintre et potence", 6000, 4200))
	d.job(s, 1039, 27, d.at(s, 13, 15, 0), op("Remplacement plaquettes de frein", 3600, 2500), op("Réglage des freins", 2000, 1400))

	iv := d.sav(s, 1010, 29, 1001, d.at(s, 14, 15, 0),
		fix("Réglage des freins", 2500, 1700), fix("Remplacement plaquettes de frein", 3800, 2600),
		fix(travelLabel, 2000, 1400), op("Changement de chaîne", 3500, 2400))
	d.decide(s, decision(1010, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 14, 14, 40), "Plaquettes mal montées, frein arrière inefficace."))
	d.story(s, "SAV confirmé : SAV 1010 (%s) reprend l'intervention 1001 de %s ; %s imputés à R1. L'opération « Changement de chaîne » (sav_related=0) est payée par le client, jamais imputée.",
		who(29), who(1), eur(corrective(iv)))

	iv = d.sav(s, 1011, 5, 1002, d.at(s, 15, 10, 30), fix("Changement de chaîne", 3900, 2700), fix(travelLabel, 1800, 1300))
	d.decide(s, decision(1011, sb.OutcomePartial, 5000, 0, 0, d.at(s, 15, 10, 10), "Chaîne sous-dimensionnée, usure normale en partie."))
	d.story(s, "SAV partiel 50 %% : SAV 1011 (%s) sur 1002 de %s ; %s × 50 %% = %s imputés.",
		who(5), who(4), eur(corrective(iv)), eur(share(corrective(iv), 5000)))

	d.sav(s, 1012, 8, 1006, d.at(s, 16, 16, 0), fix("Contrôle du freinage (diagnostic SAV)", 2000, 1400),
		fix(travelLabel, 2000, 1400), op("Remplacement plaquettes de frein", 3500, 2400))
	d.decide(s, decision(1012, sb.OutcomeUnconfirmed, 0, 0, 0, d.at(s, 16, 15, 30), "Purge correcte, plaquettes usées par l'usage."))
	d.story(s, "SAV non confirmé : SAV 1012 (%s) sur 1006 de %s ; rien d'imputé, crédit client de 4,00 € à la charge du réseau (geste commercial).",
		who(8), who(7))

	iv = d.sav(s, 1013, 15, 1007, d.at(s, 17, 11, 0), fix("Remplacement jeu de direction", 6500, 4500), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(1013, sb.OutcomeConfirmed, 0, 0, 12000, d.at(s, 17, 10, 45), "Jeu de direction desserré : fourche rayée, garde-boue cassé."))
	d.story(s, "Dommage sous la franchise : SAV 1013 sur 1007 de %s, dommage 120,00 € ≤ franchise RC Pro chapeau 200,00 € : règlement amiable ; %s imputés à R14 avant TVA (réduction de sa facture) et 120,00 € d'indemnité, hors TVA, compensés après la TVA (révisé à l'étape 3).",
		who(14), eur(corrective(iv)))

	iv = d.sav(s, 1020, 5, 1003, d.at(s, 20, 14, 0), fix("Remplacement boîtier de pédalier", 7000, 5000), fix(travelLabel, 1500, 1000))
	d.decide(s, decision(1020, sb.OutcomeConfirmed, 0, 0, 9000, d.at(s, 20, 13, 30), "Boîtier mal serré : manivelle et pédale abîmées."))
	d.story(s, "Dépassement étalé : %s (franchise en base) gagne 60,00 € (1003, 1004) ; SAV 1020 lui impute %s de réduction, qui les absorbe (Net TTC 0,00 €), et 90,00 € de dommage (règlement amiable, indemnité hors TVA) que rien ne compense : dépassement 90,00 € étalé en 2 échéances de 45,00 € (part indemnités, mois 2 et 3).",
		who(3), eur(corrective(iv)))

	iv = d.sav(s, 1021, 29, 1005, d.at(s, 21, 10, 0), fix("Reprise du réglage de la transmission", 6500, 4700), fix(travelLabel, 2500, 1800))
	d.decide(s, decision(1021, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 21, 9, 40), "Transmission mal réglée à la révision."))
	d.story(s, "Réparateur inactif : %s (inactif, a quitté le réseau) gagne 40,00 € (1005) ; SAV 1021 lui impute %s : dépassement 25,00 € facturé, pas étalé.",
		who(30), eur(corrective(iv)))

	iv = d.sav(s, 1022, 22, 1000, d.at(s, 18, 15, 30), fix("Remplacement boîtier de pédalier", 7500, 5200), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(1022, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 18, 15, 0), "Boîtier de pédalier qui prend du jeu."))
	d.story(s, "Hors délai de réclamation : SAV 1022 (%s) sur l'intervention 1000 de %s, close le %s (plus de 90 jours avant) : avertissement, %s imputés quand même. L'intervention 1000 arrive avec l'étape 1 et y est payée.",
		who(22), who(20), old.ClosedAt.Format("02/01/2006"), eur(corrective(iv)))

	d.add(s, 1023, 23, 0, sb.KindSAV, DemoMissingOriginal, sb.StatusClosed, d.at(s, 19, 9, 30),
		fix("Remplacement patte de dérailleur", 3000, 2100), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(1023, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 19, 9, 10), "Patte tordue au remontage de la roue."))
	d.story(s, "Anomalie : SAV 1023 (%s) pointe vers l'intervention d'origine %d, qui n'existe pas : imputation bloquée à chaque clôture ; R23 touche sa commission.",
		who(23), DemoMissingOriginal)

	d.sav(s, 1060, 18, 1008, d.at(s, 24, 16, 0), fix("Changement câbles et gaines", 4200, 2900), fix(travelLabel, 2000, 1400))
	d.story(s, "SAV en attente : SAV 1060 (%s) sur 1008 de %s, clos sans décision du support : listé en attente, imputé quand la décision arrive (étape 2).",
		who(18), who(17))

	d.job(s, 1080, 26, d.at(s, 11, 10, 0), op("Remplacement pneu", 3500, 2500), op("Réglage des freins", 2000, -1400))
	d.story(s, "Anomalie : l'intervention 1080 de %s a une opération (%d) à commission négative (-14,00 €) : intervention bloquée en entier, à chaque clôture.",
		who(26), operationID(1080, 1))

	d.job(s, 1081, 27, d.at(s, 12, 11, 0), op("Remplacement pneu", 3200, 2200))
	d.steps[s].Insert.Decisions = append(d.steps[s].Insert.Decisions,
		decision(1081, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 12, 12, 0), "Saisie sur la mauvaise fiche."))
	d.story(s, "Anomalie : décision « confirmed » saisie sur l'intervention standard 1081 de %s : décision écartée, la commission de 1081 est payée.", who(27))

	d.add(s, 1090, 28, 0, sb.KindStandard, 0, sb.StatusOpen, time.Time{}, op("Révision complète", 7500, 5200))
	d.add(s, 1091, 9, 0, sb.KindStandard, 0, sb.StatusCancelled, time.Time{}, op("Remplacement pneu", 3000, 2100))
	d.story(s, "Intervention 1090 ouverte (%s) et 1091 annulée (%s) : aucune commission.", who(28), who(9))

	// Closed in the first month, entered in the second after the first was closed.
	d.add(1, 1050, 16, 0, sb.KindStandard, 0, sb.StatusClosed, d.at(s, 26, 17, 0),
		op("Révision complète", 8500, 6000), op("Remplacement pneu", 3500, 2500))
}

func (d *demo) month2() {
	const s = 1
	d.story(s, "Arrivée tardive : l'intervention 1050 de %s, close le %s (mois 1, déjà clos), n'arrive qu'à l'étape 2 : payée ce mois-ci, marquée tardive.",
		who(16), d.ivs[1050].ClosedAt.Format("02/01/2006"))

	d.job(s, 2001, 3, d.at(s, 10, 10, 0), op("Réparation crevaison", 1800, 1200), op("Réglage des freins", 1900, 1300))
	d.story(s, "Échéance payée en partie : %s ne gagne que 25,00 € (2001, Net TTC 25,00 €) ; la 1re échéance de 45,00 € (indemnités) du plan du mois 1 est prélevée après la TVA à hauteur de 25,00 € seulement, le reste reste dû.", who(3))
	d.job(s, 2002, 21, d.at(s, 8, 11, 0), op("Remplacement cassette", 5500, 4000), op("Changement de chaîne", 3600, 2600))
	d.job(s, 2003, 12, d.at(s, 7, 9, 0), op("Révision complète", 6500, 4500))
	d.job(s, 2004, 12, d.at(s, 15, 14, 0), op("Remplacement pneu", 5000, 3500))
	d.job(s, 2030, 6, d.at(s, 6, 10, 0), op("Remplacement jeu de direction", 6500, 4600))
	d.job(s, 2031, 23, d.at(s, 11, 15, 0), op("Réglage du dérailleur", 2600, 1800))
	d.job(s, 2032, 1, d.at(s, 15, 9, 0), op("Changement câbles et gaines", 4500, 3200))

	d.decide(s, decision(1060, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 4, 9, 30), "Gaine de frein pincée au montage."))
	d.story(s, "Décision tardive : la décision du SAV 1060 (confirmé, %s) arrive le %s : imputé à R17 ce mois-ci.",
		eur(corrective(d.ivs[1060])), d.at(s, 4, 9, 30).Format("02/01/2006"))

	upd := decision(1010, sb.OutcomeConfirmed, 0, 0, 6000, d.at(s, 3, 11, 0), "Plaquettes mal montées ; jante rayée constatée ensuite.")
	d.steps[s].Update = append(d.steps[s].Update, upd)
	d.story(s, "Décision modifiée : dommage de 60,00 € ajouté à la décision du SAV 1010 (déjà imputé au mois 1) : « ajustement indemnité » de 60,00 € (dommage sous la franchise, règlement amiable) sur %s, compensé après la TVA ; sa facture n'en est pas diminuée.", who(1))

	iv := d.sav(s, 2010, 1, 1033, d.at(s, 9, 10, 0), fix("Remplacement cassette", 5800, 4100),
		fix("Changement de chaîne", 3600, 2500), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(2010, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 9, 9, 45), "Chaîne et cassette incompatibles."))
	d.story(s, "SAV confirmé : SAV 2010 (%s) sur 1033 de %s : %s imputés (révisé à l'étape 3).", who(1), who(29), eur(corrective(iv)))

	iv = d.sav(s, 2011, 10, 1034, d.at(s, 12, 11, 0), fix("Dévoilage de roue", 3500, 2500), fix(travelLabel, 2800, 2000))
	d.decide(s, decision(2011, sb.OutcomePartial, 3333, 0, 0, d.at(s, 12, 10, 40), "Roue voilée : tension des rayons en cause pour un tiers."))
	d.story(s, "SAV partiel 33,33 %% : SAV 2011 (%s) sur 1034 de %s ; %s × 0,3333 = 14,9985 → %s imputés.",
		who(10), who(11), eur(corrective(iv)), eur(share(corrective(iv), 3333)))

	iv = d.sav(s, 2012, 7, 1035, d.at(s, 13, 14, 0), fix("Remplacement durite de frein hydraulique", 4800, 3400),
		fix("Purge freins hydrauliques", 5500, 3900), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(2012, sb.OutcomeConfirmed, 0, 9, 0, d.at(s, 13, 13, 30),
		"La fuite vient de la durite posée par R9 (intervention 1040), pas des plaquettes de R8."))
	d.story(s, "Réparateur fautif désigné : SAV 2012 (%s) sur 1035 de %s, mais le support désigne %s (durite posée lors de 1040) : %s imputés à R9.",
		who(7), who(8), who(9), eur(corrective(iv)))

	iv = d.sav(s, 2013, 10, 1036, d.at(s, 14, 16, 0), fix("Réglage du dérailleur", 2500, 1700), fix(travelLabel, 2000, 1400),
		op("Remplacement pneu", 3500, 2500))
	d.decide(s, decision(2013, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 14, 15, 40), "Réglage repris par la même réparatrice."))
	d.story(s, "Auto-SAV : %s reprend sa propre intervention 1036 (SAV 2013) : elle touche la commission et se voit imputer %s.",
		who(10), eur(corrective(iv)))

	iv = d.sav(s, 2014, 15, 1037, d.at(s, 16, 10, 0), fix(travelLabel, 2500, 1800), op("Remplacement pneu", 4000, 2800))
	d.decide(s, decision(2014, sb.OutcomeRejected, 0, 0, 0, d.at(s, 16, 9, 40), "Crevaison par un éclat de verre : pas de SAV."))
	d.story(s, "Pas de SAV : SAV 2014 (%s) sur 1037 de %s rejeté ; rien d'imputé, frais de déplacement (%s) crédités au client, à la charge du réseau.",
		who(15), who(16), eur(travelPrice(iv)))

	iv = d.sav(s, 2015, 26, 1038, d.at(s, 17, 11, 0), fix("Serrage potence et cintre", 3000, 2100),
		fix("Remplacement cintre", 5500, 3900), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(2015, sb.OutcomeConfirmed, 0, 0, 50000, d.at(s, 17, 10, 30), "Potence desserrée : chute, blessure légère et équipement."))
	d.story(s, "Dommage au-delà de la franchise : SAV 2015 sur 1038 de %s, dommage 500,00 € sur la RC Pro chapeau : %s imputés avant TVA, franchise 200,00 € compensée après (indemnité hors TVA), déclaration d'assurance de 300,00 €.",
		who(25), eur(corrective(iv)))

	d.sav(s, 2016, 28, 1039, d.at(s, 18, 15, 0), fix("Réglage des freins", 2500, 1700),
		fix("Remplacement plaquettes de frein", 3600, 2500), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(2016, sb.OutcomePartial, 12000, 0, 0, d.at(s, 18, 14, 30), "Prise en charge à 75 %."))
	d.story(s, "Anomalie : SAV 2016 (%s) sur 1039 de %s, partiel à 12000 pb (hors 1..9999) : imputation bloquée ; corrigée à 7500 pb à l'étape 3.",
		who(28), who(27))

	c1 := d.sav(s, 2020, 11, 1030, d.at(s, 19, 10, 0), fix("Remplacement moteur pédalier (pièce comprise)", 189000, 140000),
		fix(travelLabel, 2500, 1800))
	d.decide(s, decision(2020, sb.OutcomeConfirmed, 0, 0, 18000, d.at(s, 19, 9, 30), "Kit moteur mal câblé : moteur grillé, porte-bagages abîmé."))
	c2 := d.sav(s, 2021, 13, 1031, d.at(s, 21, 14, 0), fix("Remplacement roue arrière", 9500, 6500),
		fix("Remplacement rayons", 4500, 3000), fix(travelLabel, 2500, 1800))
	d.decide(s, decision(2021, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 21, 13, 30), "Rayons mal tendus, roue à remplacer."))
	g, r := int64(8000), corrective(c1)+corrective(c2)
	d.story(s, "Dépassement facturé : %s gagne %s (2003, 2004) ; SAV 2020 (%s + 180,00 € de dommage) et 2021 (%s) : réductions %s, indemnité 180,00 € ; dépassement %s > 1 500,00 € : les réductions non imputées (%s) sur une facture FAC- (TVA 20 %%), l'indemnité (180,00 €) sur une note de débit NDD- (hors TVA).",
		who(12), eur(g), eur(corrective(c1)), eur(corrective(c2)), eur(r), eur(r-g+18000), eur(r-g))

	iv = d.sav(s, 2022, 29, 1005, d.at(s, 20, 10, 0), fix("Reprise du réglage des freins", 3000, 2100), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(2022, sb.OutcomeConfirmed, 0, 0, 8000, d.at(s, 20, 9, 30), "Freins mal réglés à la révision : garde-boue et éclairage cassés."))
	d.story(s, "Relevé de compte, facture et note de débit : %s (inactif) n'a aucune commission ; SAV 2022 sur 1005 lui impute %s (réduction) et 80,00 € de dommage (règlement amiable) : aucune prestation facturée, son relevé est un relevé de compte RDC- (hors série) ; %s facturés (FAC-, + TVA) et 80,00 € sur une note de débit NDD-.",
		who(30), eur(corrective(iv)), eur(corrective(iv)))

	iv = d.sav(s, 2023, 22, 2002, d.at(s, 20, 15, 0), fix("Remplacement cassette", 8000, 6000), fix(travelLabel, 2800, 2000))
	d.decide(s, decision(2023, sb.OutcomeConfirmed, 0, 0, 5000, d.at(s, 20, 14, 30), "Cassette mal montée : dérailleur arrière abîmé."))
	d.story(s, "Échéancier en deux parts : %s (franchise en base) gagne 66,00 € (2002) ; SAV 2023 lui impute %s (réduction) et 50,00 € de dommage : réductions non imputées 14,00 €, indemnité non compensée 50,00 € ; 64,00 € étalés en 2 échéances de 32,00 € (7,00 € de réduction prélevés avant TVA + 25,00 € d'indemnité après).",
		who(21), eur(corrective(iv)))
}

func (d *demo) month3() {
	const s = 2
	d.job(s, 3001, 3, d.at(s, 6, 9, 0), op("Révision complète", 9500, 6800))
	d.job(s, 3002, 3, d.at(s, 14, 14, 0), op("Remplacement pneu", 4200, 3000))
	d.job(s, 3003, 3, d.at(s, 20, 10, 30), op("Changement de chaîne", 3500, 2500))
	d.story(s, "Fin d'échéancier : %s gagne 123,00 € et paie le reste de son plan (20,00 € + 45,00 €).", who(3))

	d.job(s, 3004, 21, d.at(s, 9, 11, 0), op("Remplacement pneu", 4300, 3000), op("Réparation crevaison", 2800, 2000))
	iv := d.sav(s, 3010, 22, 2002, d.at(s, 12, 10, 0), fix("Remplacement cassette", 5500, 4000),
		fix("Changement de chaîne", 3600, 2500), fix(travelLabel, 2800, 2000))
	d.decide(s, decision(3010, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 12, 9, 40), "Cassette mal serrée."))
	d.steps[s].Insert.Overrides = append(d.steps[s].Insert.Overrides, sb.Override{
		RepairerID: 21, Period: d.steps[s].Period.String(), Mode: sb.OverrideInvoice})
	d.story(s, "Décision de la finance : %s gagne 50,00 € (3004), SAV 3010 lui impute %s : dépassement 35,00 € qui serait étalé, mais overflow_overrides (21, %s, invoice) le fait facturer. Son échéance de 32,00 € (plan du mois 2) ne reçoit rien : chaque part garde son reste (14,00 € de réductions, 50,00 € d'indemnités).",
		who(21), eur(corrective(iv)), d.steps[s].Period)

	iv = d.sav(s, 3011, 7, 2030, d.at(s, 13, 11, 0), fix("Remplacement jeu de direction", 6500, 4600), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(3011, sb.OutcomeConfirmed, 0, 0, 80000, d.at(s, 13, 10, 30), "Fourche fissurée : chute du client, vélo et équipement."))
	d.story(s, "Dommage au-delà d'une franchise individuelle : SAV 3011 sur 2030 de %s (RC Pro propre, franchise 150,00 €), dommage 800,00 € : %s imputés avant TVA, franchise 150,00 € compensée après (indemnité hors TVA), déclaration de 650,00 € sur sa police, à déclarer à son assureur.",
		who(6), eur(corrective(iv)))

	d.sav(s, 3014, 1, 2003, d.at(s, 16, 10, 0), fix("Contrôle du moteur (diagnostic SAV)", 2000, 1400), fix(travelLabel, 2000, 1400))
	d.decide(s, decision(3014, sb.OutcomeUnconfirmed, 0, 0, 0, d.at(s, 16, 9, 30), "Moteur conforme : batterie déchargée."))
	d.story(s, "Pas de relevé pour rien : SAV 3014 (%s) sur 2003 de %s, non confirmé ; R12 n'a rien d'autre ce mois-ci : la ligne « non imputé » ne lui crée aucun relevé (aucun numéro pris), elle figure au classeur.",
		who(1), who(12))

	d.sav(s, 3012, 24, 2031, d.at(s, 15, 14, 0), fix(travelLabel, 2000, 1400), op("Réglage du dérailleur", 2600, 1800))
	dec := decision(3012, sb.OutcomeUnconfirmed, 0, 0, 0, d.at(s, 15, 13, 30), "Dérailleur simplement déréglé par l'usage.")
	d.steps[s].Insert.Decisions = append(d.steps[s].Insert.Decisions, dec)
	d.grant(s, 3012, 200, dec.DecidedAt, "Geste commercial : SAV non confirmé")
	d.story(s, "Crédit incohérent : SAV 3012 (%s) sur 2031 de %s non confirmé, crédit client de 2,00 € seulement (au moins 4,00 € attendus) : avertissement.",
		who(24), who(23))

	d.sav(s, 3013, 2, 2032, d.at(s, 25, 15, 0), fix("Changement câbles et gaines", 4500, 3200), fix(travelLabel, 2000, 1400))
	d.story(s, "SAV en attente : SAV 3013 (%s) sur 2032 de %s, sans décision à la fin de la démo.", who(2), who(1))

	d.steps[s].Update = append(d.steps[s].Update,
		decision(2010, sb.OutcomePartial, 5000, 0, 0, d.at(s, 5, 10, 0), "Révision : la cassette était déjà usée, prise en charge à 50 %."),
		decision(2016, sb.OutcomePartial, 7500, 0, 0, d.at(s, 4, 9, 0), "Prise en charge à 75 % (part corrigée)."),
		decision(1013, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 6, 11, 0), "Révision : la fourche et le garde-boue étaient déjà abîmés avant l'intervention."),
		decision(2011, sb.OutcomeConfirmed, 0, 0, 0, d.at(s, 7, 14, 0), "Révision : les rayons avaient tous été mal tendus, prise en charge totale."))
	d.story(s, "Décision révisée : SAV 2011 passe de partiel 33,33 %% à confirmé : %s déjà imputés sur le relevé d'octobre, %s de plus (ajustement) à %s.",
		eur(share(corrective(d.ivs[2011]), 3333)), eur(corrective(d.ivs[2011])-share(corrective(d.ivs[2011]), 3333)), who(11))
	d.story(s, "Indemnité remboursée : le dommage du SAV 1013 est retiré (120,00 € → 0,00 €) : « ajustement indemnité » de -120,00 € à %s, rendu après la TVA (sa facture est inchangée).", who(14))
	d.story(s, "Décision révisée : SAV 2010 passe de confirmé à partiel 50 %% : remboursement (ajustement) de %s à %s.",
		eur(corrective(d.ivs[2010])-share(corrective(d.ivs[2010]), 5000)), who(29))
	d.story(s, "Anomalie corrigée : la part du SAV 2016 est corrigée à 7500 pb : %s × 75 %% = %s imputés à %s ce mois-ci.",
		eur(corrective(d.ivs[2016])), eur(share(corrective(d.ivs[2016]), 7500)), who(27))
}

// reductionInstallment is the case of a plan's reduction part paid (issue 21): R31 earns 40,00 €
// in month 1 (1070) and 20,00 € in month 2 (2041); SAV 2040 by R32 on 1070 charges R31 78,00 €
// in month 2: a reduction overflow of 58,00 € spread in 2 installments of 29,00 € (reductions
// only); in month 3 R31 earns 90,00 € (3040) and pays the first, before VAT: Net HT 61,00 €, the
// e-invoice's document-level allowance of 29,00 €. R31 and R32 are quiet (no background work),
// so no earlier case changes.
func (d *demo) reductionInstallment() {
	d.job(0, 1070, 31, d.at(0, 7, 10, 0), op("Révision complète", 6000, 4000))
	d.story(0, "Échéance de réductions, mois 1 : %s gagne 40,00 € (1070).", who(31))

	d.job(1, 2041, 31, d.at(1, 6, 11, 0), op("Réglage du dérailleur", 3000, 2000))
	iv := d.sav(1, 2040, 32, 1070, d.at(1, 12, 9, 0), fix("Reprise de la révision (câbles et gaines)", 8500, 6000),
		fix(travelLabel, 2500, 1800))
	d.decide(1, decision(2040, sb.OutcomeConfirmed, 0, 0, 0, d.at(1, 12, 8, 30), "Câbles de frein mal serrés à la révision."))
	d.story(1, "Échéance de réductions, mois 2 : %s gagne 20,00 € (2041) ; SAV 2040 (%s) sur 1070 lui impute %s : dépassement de réductions %s étalé en 2 échéances de 29,00 € (réductions seulement).",
		who(31), who(32), eur(corrective(iv)), eur(corrective(iv)-2000))

	d.job(2, 3040, 31, d.at(2, 8, 14, 0), op("Remplacement transmission complète", 12000, 9000))
	d.story(2, "Échéance de réductions, mois 3 : %s gagne 90,00 € (3040) et paie la 1re échéance de 29,00 € avant la TVA : Net HT 61,00 €, la remise de 29,00 € sur sa facture électronique.",
		who(31))
}

// background adds n ordinary interventions from id first, spread over the busy repairers, with
// amounts drawn from a generator seeded by the step alone.
func (d *demo) background(step int, first int64, n int) {
	rng := rand.New(rand.NewPCG(0x5a7b111ab1e, uint64(step+1)))
	var busy []int64
	for _, r := range demoNetwork {
		if !demoQuiet[r.id] {
			busy = append(busy, r.id)
		}
	}
	for i := range n {
		id := first + int64(i)
		r := busy[i%len(busy)]
		closed := d.at(step, 2+rng.IntN(26), 8+rng.IntN(10), rng.IntN(60))
		var ops []opSpec
		for _, j := range pickJobs(rng, 1+rng.IntN(4), nil) {
			price, commission := j.draw(rng)
			ops = append(ops, op(j.label, price, commission))
		}
		d.add(step, id, r, int64(700000+10000*step+i), sb.KindStandard, 0, sb.StatusClosed, closed, ops...)
	}
	d.story(step, "%d interventions courantes (%d–%d) réparties entre les réparateurs actifs.", n, first, first+int64(n)-1)
}
