package fectest

import (
	"strings"
	"testing"
	"time"
)

// valid is a small FEC written by hand from the article (the worked example of domain.md with
// its damage variant), independent of the generator.
const valid = `JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise
ACH|Achats|12|20261031|604|Achats de prestations|||REL-1-2026-0010|20261101|Commissions|125,00|0,00|||20261101||
ACH|Achats|12|20261031|44566|TVA déductible|||REL-1-2026-0010|20261101|TVA|16,00|0,00|||20261101||
ACH|Achats|12|20261031|6094|RRR obtenus|||REL-1-2026-0010|20261101|SAV imputés|0,00|45,00|||20261101||
ACH|Achats|12|20261031|401|Fournisseurs|REP000001|Atelier Dupont|REL-1-2026-0010|20261101|Net TTC|0,00|96,00|||20261101||
ACH|Achats|13|20261031|604|Achats de prestations|||REL-2-2026-0010|20261101|Commissions|65,00|0,00|||20261101||
ACH|Achats|13|20261031|401|Fournisseurs|REP000002|Cycles Nguyễn|REL-2-2026-0010|20261101|Net TTC|0,00|65,00|||20261101||
OD|Opérations diverses|1|20261031|401|Fournisseurs|REP000001|Atelier Dupont|REL-1-2026-0010|20261101|Indemnités compensées|96,00|0,00|||20261101||
OD|Opérations diverses|1|20261031|7588|Indemnités|||REL-1-2026-0010|20261101|Indemnités|0,00|96,00|||20261101||
OD|Opérations diverses|2|20261031|4671|Échéanciers|REP000001|Atelier Dupont|REL-1-2026-0010|20261101|Mis en échéancier|104,00|0,00|||20261101||
OD|Opérations diverses|2|20261031|7588|Indemnités|||REL-1-2026-0010|20261101|Indemnités|0,00|104,00|||20261101||
`

var opts = Options{FiscalYearFirst: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), FiscalYearLast: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}

func TestCheckAcceptsAValidFile(t *testing.T) {
	if fs := Check([]byte(valid), opts); len(fs) > 0 {
		t.Errorf("findings on a valid file:\n%s", String(fs))
	}
	withCRLF := strings.ReplaceAll(valid, "\n", "\r\n")
	if fs := Check([]byte(withCRLF), opts); len(fs) > 0 {
		t.Errorf("findings on CRLF lines:\n%s", String(fs))
	}
}

func TestCheckFindsEachBreach(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"unbalanced entry", "|TVA|16,00|0,00|", "|TVA|16,10|0,00|", "entry ACH 12 does not balance"},
		{"gap in the numbers", "|Achats|13|", "|Achats|14|", "entry 14 follows 12"},
		{"bad date", "ACH|Achats|13|20261031|604|", "ACH|Achats|13|20261332|604|", "not a calendar date"},
		{"short date", "|REL-2-2026-0010|20261101|Commissions|", "|REL-2-2026-0010|2026111|Commissions|", "AAAAMMJJ"},
		{"17 fields", "|Mis en échéancier|104,00|0,00|||20261101||", "|Mis en échéancier|104,00|0,00|||20261101|", "17 fields, 18 expected"},
		{"wrong header", "|Montantdevise|Idevise", "|MontantDevise|Idevise", "header"},
		{"header with 17 names", "|Montantdevise|Idevise\n", "|Montantdevise\n", "header"},
		{"amount with a dot", "|125,00|0,00|", "|125.00|0,00|", "decimal comma"},
		{"amount with one decimal", "|125,00|0,00|", "|125,0|0,00|", "decimal comma"},
		{"date before the fiscal year", "ACH|Achats|13|20261031|604|", "ACH|Achats|13|20251231|604|", "outside the fiscal year"},
		{"date outside the fiscal year", "OD|Opérations diverses|2|20261031|4671", "OD|Opérations diverses|2|20271031|4671", "outside the fiscal year"},
		{"empty account label", "|604|Achats de prestations|||REL-2", "|604||||REL-2", "CompteLib is empty"},
		{"empty piece reference", "|Atelier Dupont|REL-1-2026-0010|20261101|Mis en", "|Atelier Dupont||20261101|Mis en", "PieceRef is empty"},
		{"auxiliary without its label", "|REP000002|Cycles Nguyễn|", "|REP000002||", "go together"},
		{"both sides", "|Commissions|65,00|0,00|", "|Commissions|65,00|65,00|", "both Debit and Credit"},
		{"number not a number", "OD|Opérations diverses|1|", "OD|Opérations diverses|A1|", "sequence number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(valid, tt.old) {
				t.Fatalf("%q not in the valid file", tt.old)
			}
			broken := strings.Replace(valid, tt.old, tt.new, 1)
			fs := Check([]byte(broken), opts)
			if !strings.Contains(String(fs), tt.want) {
				t.Errorf("findings:\n%s\nwant one saying %q", String(fs), tt.want)
			}
		})
	}
}

func TestCheckFindsAnEntrySplitByAnother(t *testing.T) {
	lines := strings.Split(valid, "\n")
	lines[2], lines[5] = lines[5], lines[2] // a line of entry 13 inside entry 12
	fs := Check([]byte(strings.Join(lines, "\n")), opts)
	if !strings.Contains(String(fs), "continues after another entry began") {
		t.Errorf("findings:\n%s", String(fs))
	}
}

func TestCheckFindsAJournalNotContinuingTheFiscalYear(t *testing.T) {
	o := opts
	o.FirstNum = map[string]int{"ACH": 11, "OD": 1}
	fs := Check([]byte(valid), o)
	if len(fs) != 1 || !strings.Contains(fs[0].Msg, "journal ACH starts at 12; 11 expected") {
		t.Errorf("findings:\n%s", String(fs))
	}
}

func TestReconcileComparesPerAuxiliaryAccount(t *testing.T) {
	lines, fs := Parse([]byte(valid))
	if len(fs) > 0 {
		t.Fatal(String(fs))
	}
	mov := Movements(lines)
	var expects []Expect
	for _, r := range []RepairerFigures{
		{Aux: "REP000001", Payable: 0, PlansCreated: 10400},
		{Aux: "REP000002", Payable: 6500},
	} {
		expects = append(expects, RepairerExpects(r, "401", []string{"411", "4671"})...)
	}
	expects = append(expects, Expect{What: "VAT deductible", Accounts: []string{"44566"}, Aux: "*", Want: 1600})
	if fs := Reconcile(mov, expects); len(fs) > 0 {
		t.Errorf("the hand-written file does not reconcile:\n%s", String(fs))
	}
	expects[0].Want = -9600 // as if R1's payable were the invoice's 96,00 (damage forgotten)
	if fs := Reconcile(mov, expects); len(fs) != 1 || !strings.Contains(fs[0].Msg, "payable of REP000001") {
		t.Errorf("findings %v; want the payable of REP000001", fs)
	}
	if got := Movements(lines, "OD")[Key{"401", "REP000001"}]; got != -9600 {
		t.Errorf("movement of R1's payable without OD = %d; want -9600", got)
	}
}

func TestParseAmount(t *testing.T) {
	for s, want := range map[string]int64{"0,00": 0, "96,00": 9600, "1234567,89": 123456789, "0,01": 1} {
		if got, err := ParseAmount(s); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "96", "96,0", "96,000", "96.00", "-1,00", "1 234,56", "+1,00"} {
		if _, err := ParseAmount(s); err == nil {
			t.Errorf("ParseAmount(%q) accepted", s)
		}
	}
}
