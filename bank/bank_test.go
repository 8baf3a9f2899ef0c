package bank

import (
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"savbilling/internal/golden"
)

func TestValidateIBAN(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		reason Reason
	}{
		{"FR7630006000011234567890189", "FR7630006000011234567890189", 0},
		{"fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", 0},
		{"DE89370400440532013000", "DE89370400440532013000", 0},
		{"GB29NWBK60161331926819", "GB29NWBK60161331926819", 0},
		{"BE68539007547034", "BE68539007547034", 0},
		{"CH9300762011623852957", "CH9300762011623852957", 0},
		{"NL91ABNA0417164300", "NL91ABNA0417164300", 0},
		{"TN5910006035183598478831", "TN5910006035183598478831", 0}, // valid, outside SEPA (Check's business)
		{"", "", ReasonNoIBAN},
		{"   ", "", ReasonNoIBAN},
		{"FR7630006000011234567890188", "", ReasonIBANChecksum}, // last digit mistyped
		{"FR7630006000011234567809189", "", ReasonIBANChecksum}, // two digits swapped
		{"DE00370400440532013000", "", ReasonIBANChecksum},      // check digits 00 never valid
		{"FR76300060000112345678901", "", ReasonIBANFormat},     // 25 characters, FR has 27
		{"DE893704004405320130001", "", ReasonIBANFormat},       // 23 characters, DE has 22
		{"XX89370400440532013000", "", ReasonIBANFormat},        // no such country
		{"FRAB30006000011234567890189", "", ReasonIBANFormat},   // check digits not digits
		{"FR76-3000-6000-0112-3456-7890-189", "", ReasonIBANFormat},
		{"76FR30006000011234567890189", "", ReasonIBANFormat},
	}
	for _, tt := range tests {
		got, err := ValidateIBAN(tt.in)
		var reason Reason
		var p *Problem
		if errors.As(err, &p) {
			reason = p.Reason
		} else if err != nil {
			t.Fatalf("ValidateIBAN(%q): error %v is not a *Problem", tt.in, err)
		}
		if got != tt.want || reason != tt.reason {
			t.Errorf("ValidateIBAN(%q) = %q, %v; want %q, %v", tt.in, got, reason, tt.want, tt.reason)
		}
	}
}

func TestValidateBIC(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"BNPAFRPP", "BNPAFRPP", true},
		{"BNPAFRPPXXX", "BNPAFRPPXXX", true},
		{"bnpa frpp xxx", "BNPAFRPPXXX", true},
		{"DEUTDEFF500", "DEUTDEFF500", true},
		{"AGRIFRPP882", "AGRIFRPP882", true},
		{"1234FR99", "1234FR99", true}, // digits allowed in party and location
		{"BNPAFRP", "", false},         // 7
		{"BNPAFRPPXX", "", false},      // 10
		{"BNPAFRPPXXXX", "", false},    // 12
		{"BNPA1RPP", "", false},        // country must be letters
		{"BNPAFRP-", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ValidateBIC(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ValidateBIC(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestTransliterateWritesTheSEPACharacterSet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Atelier Vélo Écologique", "Atelier Velo Ecologique"},
		{"Nguyễn Văn Đức", "Nguyen Van Duc"},
		{"Łukasz Żółć", "Lukasz Zolc"},
		{"Große Straße 5", "Grosse Strasse 5"},
		{"Cœur & Æther", "Coeur + AEther"},
		{"O’Brien «Le Rayon»", "O'Brien 'Le Rayon'"},
		{"Ζωή Παπαδοπούλου", "Zoi Papadopoulou"},
		{"Пётр Щукин", "Petr Shchukin"},
		{"Олена Їжак", "Olena Izhak"},
		{"李小龙", "..."},
		{"🚲 Vélos", ". Velos"},
		{"  rue\tdes   Lilas\n ", "rue des Lilas"},
		{"12, rue de l'Église (bât. B) - 2e/3e ?:+", "12, rue de l'Eglise (bat. B) - 2e/3e ?:+"},
		{"Saint-Étienne_du_Rouvray; n°4!", "Saint-Etienne-du-Rouvray, n.4."},
		{"a@b.fr", "a.b.fr"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Transliterate(tt.in)
		if got != tt.want {
			t.Errorf("Transliterate(%q) = %q; want %q", tt.in, got, tt.want)
		}
		for _, r := range got {
			if !inSEPASet(r) {
				t.Errorf("Transliterate(%q) = %q holds %q, outside the SEPA set", tt.in, got, r)
			}
		}
	}
}

func TestFieldCutsToTheFieldLength(t *testing.T) {
	town := "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson" // 45 characters
	if got := Field(town, 35); got != "Saint-Remy-en-Bouzemont-Saint-Genes" || len(got) != 35 {
		t.Errorf("Field(town, 35) = %q (%d)", got, len(got))
	}
	if got := Field("Les Ateliers du Cycle Réuni", 22); got != "Les Ateliers du Cycle" {
		t.Errorf("a space at the cut is trimmed: got %q", got)
	}
	if got := Field("Œuvre", 2); got != "OE" {
		t.Errorf("Field cuts after folding: got %q", got)
	}
}

func okParty() Party {
	return Party{Name: "Atelier Dupont", Street: "12 rue des Lilas", Postcode: "69003", Town: "Lyon",
		Country: "FR", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP882"}
}

func TestCheckGivesEachReasonAStatementIsNotPaidByTheFile(t *testing.T) {
	mod := func(f func(*Party)) Party { p := okParty(); f(&p); return p }
	tests := []struct {
		name   string
		p      Party
		amount int64
		want   []Reason
	}{
		{"paid", okParty(), 9600, nil},
		{"paid without BIC or country (FR)", mod(func(p *Party) { p.BIC = ""; p.Country = "" }), 1, nil},
		{"paid in Switzerland", mod(func(p *Party) { p.Country = "CH"; p.IBAN = "CH9300762011623852957" }), 6500, nil},
		{"paid in Guadeloupe with a French IBAN", mod(func(p *Party) { p.Country = "GP" }), 6500, nil},
		{"zero amount", okParty(), 0, []Reason{ReasonNothingToPay}},
		{"negative amount", okParty(), -1, []Reason{ReasonNothingToPay}},
		{"over the ceiling", okParty(), 100_000_000_000, []Reason{ReasonOverLimit}},
		{"no IBAN", mod(func(p *Party) { p.IBAN = "" }), 9600, []Reason{ReasonNoIBAN}},
		{"bad checksum", mod(func(p *Party) { p.IBAN = "FR7630006000011234567890188" }), 9600, []Reason{ReasonIBANChecksum}},
		{"IBAN too short", mod(func(p *Party) { p.IBAN = "FR763000600001123456789018" }), 9600, []Reason{ReasonIBANFormat}},
		{"BIC of the wrong shape", mod(func(p *Party) { p.BIC = "AGRIFRPP88" }), 9600, []Reason{ReasonBICFormat}},
		{"repairer in Tunisia", mod(func(p *Party) { p.Country = "TN"; p.IBAN = "TN5910006035183598478831" }), 9600, []Reason{ReasonNotSEPA}},
		{"repairer in France, Tunisian IBAN", mod(func(p *Party) { p.IBAN = "TN5910006035183598478831" }), 9600, []Reason{ReasonNotSEPA}},
		{"repairer in French Polynesia", mod(func(p *Party) { p.Country = "PF" }), 9600, []Reason{ReasonNotSEPA}},
		{"no town", mod(func(p *Party) { p.Town = " " }), 9600, []Reason{ReasonNoTown}},
		{"no name", mod(func(p *Party) { p.Name = "" }), 9600, []Reason{ReasonNoName}},
		{"all at once", Party{Name: "X", IBAN: "", BIC: "X", Country: "US"}, 0,
			[]Reason{ReasonNothingToPay, ReasonNoIBAN, ReasonBICFormat, ReasonNotSEPA, ReasonNoTown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Reason
			for _, p := range Check(tt.p, tt.amount) {
				got = append(got, p.Reason)
				if p.Detail == "" || p.Reason.Label() == "" {
					t.Errorf("problem %v without a text", p.Reason)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Check = %v; want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Check = %v; want %v", got, tt.want)
				}
			}
		})
	}
}

// sample is a small network paying three statements on two dates, with every kind of field:
// BIC or not, accents, another script, a town longer than 35 characters.
func sample() Message {
	paris := time.FixedZone("CET", 3600)
	return Message{
		MessageID: "SAVB-VIR-2026-10",
		Created:   time.Date(2026, 11, 1, 6, 0, 0, 0, paris),
		Debtor: Party{Name: "Réseau Vélo Services SAS", Street: "8 boulevard de la Bastille", Postcode: "75012",
			Town: "Paris", Country: "FR", IBAN: "FR14 2004 1010 0505 0001 3M02 606", BIC: "PSSTFRPPPAR"},
		Transfers: []Transfer{
			{Ref: "REL-2-2026-0010", AmountCents: 6500, ExecutionDate: time.Date(2026, 11, 10, 0, 0, 0, 0, paris),
				Creditor: Party{Name: "Nguyễn Thị Hoa", Street: "3 place Bellecour", Postcode: "69002", Town: "Lyon",
					IBAN: "DE89370400440532013000"}},
			{Ref: "REL-1-2026-0010", AmountCents: 9600, ExecutionDate: time.Date(2026, 11, 10, 0, 0, 0, 0, paris),
				Creditor: Party{Name: "Atelier Dupont & Fils", Street: "12 rue des Lilas", Postcode: "69003", Town: "Lyon",
					Country: "FR", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "agrifrpp882"}},
			{Ref: "REL-7-2026-0004", AmountCents: 123456789, ExecutionDate: time.Date(2026, 11, 15, 0, 0, 0, 0, paris),
				Creditor: Party{Name: "Ζωή Παπαδοπούλου Cycles", Street: "Große Straße 5", Postcode: "10115",
					Town: "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson", Country: "FR", IBAN: "GB29NWBK60161331926819"}},
		},
	}
}

func TestRenderWritesTheGoldenFile(t *testing.T) {
	got, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "virements-small.xml", string(got))
}

func TestRenderIsDeterministicWhateverTheInputOrder(t *testing.T) {
	m := sample()
	a, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	m.Transfers[0], m.Transfers[2] = m.Transfers[2], m.Transfers[0]
	b, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Error("the file depends on the order of the transfers given")
	}
}

// parsed is what the tests read back from a rendered file.
type parsed struct {
	NbOfTxs string `xml:"CstmrCdtTrfInitn>GrpHdr>NbOfTxs"`
	CtrlSum string `xml:"CstmrCdtTrfInitn>GrpHdr>CtrlSum"`
	PmtInf  []struct {
		NbOfTxs string `xml:"NbOfTxs"`
		CtrlSum string `xml:"CtrlSum"`
		Date    string `xml:"ReqdExctnDt>Dt"`
		Txs     []struct {
			E2E string `xml:"PmtId>EndToEndId"`
			Amt struct {
				V   string `xml:",chardata"`
				Ccy string `xml:"Ccy,attr"`
			} `xml:"Amt>InstdAmt"`
			Rmt  string `xml:"RmtInf>Ustrd"`
			Town string `xml:"Cdtr>PstlAdr>TwnNm"`
			Ctry string `xml:"Cdtr>PstlAdr>Ctry"`
			IBAN string `xml:"CdtrAcct>Id>IBAN"`
		} `xml:"CdtTrfTxInf"`
	} `xml:"CstmrCdtTrfInitn>PmtInf"`
}

// cents reads "1234.56" as 123456 without floating point.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 2 {
		t.Fatalf("amount %q: want two decimals", s)
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("amount %q: %v %v", s, err1, err2)
	}
	return w*100 + f
}

func TestRenderCountsAndSumsEachDateExactly(t *testing.T) {
	out, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	var d parsed
	if err := xml.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	if d.NbOfTxs != "3" || cents(t, d.CtrlSum) != 6500+9600+123456789 {
		t.Errorf("group header: %s transfers, sum %s; want 3, 1234728.89", d.NbOfTxs, d.CtrlSum)
	}
	if len(d.PmtInf) != 2 {
		t.Fatalf("%d payment blocks; want 2 (one per date)", len(d.PmtInf))
	}
	want := []struct {
		date string
		refs []string
		sum  int64
	}{
		{"2026-11-10", []string{"REL-1-2026-0010", "REL-2-2026-0010"}, 16100},
		{"2026-11-15", []string{"REL-7-2026-0004"}, 123456789},
	}
	for i, w := range want {
		b := d.PmtInf[i]
		if b.Date != w.date || b.NbOfTxs != strconv.Itoa(len(w.refs)) || cents(t, b.CtrlSum) != w.sum {
			t.Errorf("block %d: %s, %s transfers, %s; want %s, %d, %d", i, b.Date, b.NbOfTxs, b.CtrlSum, w.date, len(w.refs), w.sum)
		}
		var sum int64
		for j, tx := range b.Txs {
			sum += cents(t, tx.Amt.V)
			if tx.E2E != w.refs[j] || tx.Rmt != w.refs[j] || tx.Amt.Ccy != "EUR" {
				t.Errorf("block %d tx %d: end-to-end %q, remittance %q, %s; want %q twice, EUR", i, j, tx.E2E, tx.Rmt, tx.Amt.Ccy, w.refs[j])
			}
			if tx.Town == "" || tx.Ctry == "" {
				t.Errorf("block %d tx %d: address without town or country", i, j)
			}
		}
		if sum != w.sum {
			t.Errorf("block %d: transfers sum to %d, control sum says %d", i, sum, w.sum)
		}
	}
	if tx := d.PmtInf[0].Txs[0]; tx.IBAN != "FR7630006000011234567890189" {
		t.Errorf("IBAN written %q; want the electronic form", tx.IBAN)
	}
	if tx := d.PmtInf[1].Txs[0]; tx.Town != "Saint-Remy-en-Bouzemont-Saint-Genes" {
		t.Errorf("long town written %q; want it folded and cut to 35", tx.Town)
	}
}

func TestRenderRefusesWhatWouldMakeAnInvalidFile(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Message)
		want string
	}{
		{"no transfer", func(m *Message) { m.Transfers = nil }, "no transfer"},
		{"bad checksum", func(m *Message) { m.Transfers[1].Creditor.IBAN = "FR7630006000011234567890188" }, "REL-1-2026-0010"},
		{"zero amount", func(m *Message) { m.Transfers[0].AmountCents = 0 }, "REL-2-2026-0010"},
		{"non-SEPA", func(m *Message) { m.Transfers[0].Creditor.Country = "US" }, "hors zone SEPA"},
		{"duplicate", func(m *Message) { m.Transfers[0].Ref = m.Transfers[1].Ref }, "twice"},
		{"bad id", func(m *Message) { m.Transfers[0].Ref = "REL//2" }, "end-to-end"},
		{"long id", func(m *Message) { m.MessageID = strings.Repeat("A", 36) }, "message id"},
		{"debtor without IBAN", func(m *Message) { m.Debtor.IBAN = "" }, "network"},
		{"no date", func(m *Message) { m.Transfers[2].ExecutionDate = time.Time{} }, "payment date"},
	}
	for _, tt := range tests {
		m := sample()
		tt.mod(&m)
		out, err := Render(m)
		if err == nil || !strings.Contains(err.Error(), tt.want) || out != nil {
			t.Errorf("%s: Render = %d bytes, %v; want an error naming %q", tt.name, len(out), err, tt.want)
		}
	}
}

// xmllint validates the file at path against the EPC schema; it returns xmllint's verdict.
func xmllint(t *testing.T, path string) error {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install libxml2-utils (CI installs it in .ci/run)")
	}
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join("testdata", "EPC132-08_2023_V1.0_pain.001.001.09.xsd"), path).CombinedOutput()
	if err != nil {
		return errors.New(string(out))
	}
	return nil
}

func TestRenderedFileValidatesAgainstTheEPCSchema(t *testing.T) {
	out, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "virements.xml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := xmllint(t, path); err != nil {
		t.Fatalf("schema validation failed:\n%v", err)
	}
}

func TestSchemaCheckRejectsABrokenFile(t *testing.T) {
	out, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	breaks := map[string][2]string{
		"name over 70":            {"<Nm>Atelier Dupont + Fils</Nm>", "<Nm>" + strings.Repeat("A", 71) + "</Nm>"},
		"service level not SEPA":  {"<Cd>SEPA</Cd>", "<Cd>URGP</Cd>"},
		"control sum missing":     {"<CtrlSum>1234728.89</CtrlSum>", ""},
		"amount with 3 decimals":  {"<InstdAmt Ccy=\"EUR\">96.00</InstdAmt>", "<InstdAmt Ccy=\"EUR\">96.001</InstdAmt>"},
		"bank code of wrong size": {"<BICFI>AGRIFRPP882</BICFI>", "<BICFI>AGRIFRPP88</BICFI>"},
	}
	for name, b := range breaks {
		s := string(out)
		if !strings.Contains(s, b[0]) {
			t.Fatalf("%s: %q not in the file", name, b[0])
		}
		path := filepath.Join(t.TempDir(), "broken.xml")
		if err := os.WriteFile(path, []byte(strings.Replace(s, b[0], b[1], 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := xmllint(t, path); err == nil {
			t.Errorf("%s: the schema check accepted a broken file", name)
		}
	}
}

func TestSplitListsTheStatementsTheFileDoesNotPay(t *testing.T) {
	ts := sample().Transfers
	noIBAN, badSum, zero := ts[0], ts[1], ts[2]
	noIBAN.Creditor.IBAN = ""
	badSum.Creditor.IBAN = "FR7630006000011234567890188"
	badSum.Creditor.BIC = "AGRI"
	zero.AmountCents = 0
	good := sample().Transfers[0]
	good.Ref = "REL-9-2026-0001"
	paid, unpaid := Split([]Transfer{noIBAN, good, badSum, zero})
	if len(paid) != 1 || paid[0].Ref != good.Ref {
		t.Errorf("paid %v; want only %s", paid, good.Ref)
	}
	want := map[string]string{
		noIBAN.Ref: "pas d'IBAN",
		badSum.Ref: "IBAN invalide (clé de contrôle) ; BIC mal formé",
		zero.Ref:   "rien à payer",
	}
	if len(unpaid) != 3 {
		t.Fatalf("%d unpaid; want 3", len(unpaid))
	}
	for _, u := range unpaid {
		if got := u.Labels(); got != want[u.Transfer.Ref] {
			t.Errorf("%s: %q; want %q", u.Transfer.Ref, got, want[u.Transfer.Ref])
		}
	}
}

func TestSplitFrenchAddress(t *testing.T) {
	tests := []struct {
		in                     string
		street, postcode, town string
		ok                     bool
	}{
		{"12 rue de l'Exemple\n75011 Paris", "12 rue de l'Exemple", "75011", "Paris", true},
		{"Bât. B\r\n4 allée des Cygnes\r\n97110 Pointe-à-Pitre", "Bât. B, 4 allée des Cygnes", "97110", "Pointe-à-Pitre", true},
		{"3 place Bellecour, 69002 Lyon", "3 place Bellecour", "69002", "Lyon", true},
		{"69003 LYON CEDEX 03", "", "69003", "LYON CEDEX 03", true},
		{"12 rue des Lilas", "", "", "", false},
		{"Große Straße 5\n10115 Berlin", "Große Straße 5", "10115", "Berlin", true},
		{"1 Main St\nLondon SW1A 1AA", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		s, p, town, ok := SplitFrenchAddress(tt.in)
		if s != tt.street || p != tt.postcode || town != tt.town || ok != tt.ok {
			t.Errorf("SplitFrenchAddress(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tt.in, s, p, town, ok, tt.street, tt.postcode, tt.town, tt.ok)
		}
	}
}

// validIBAN makes a valid IBAN of a country from a BBAN, computing its check digits.
func validIBAN(country, bban string) string {
	return fmt.Sprintf("%s%02d%s", country, 98-mod97(bban+country+"00"), bban)
}

// TestGeneratedNetworkFileValidates pays a generated network of 300 repairers (names and towns
// in many scripts, long fields, BIC or not, IBANs of several SEPA countries, some of them
// broken, 4 payment dates) and checks the file against the EPC schema, its sums, and that every
// statement is either in the file or listed.
func TestGeneratedNetworkFileValidates(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 2026))
	names := []string{"Atelier Vélo", "Nguyễn Văn Đức", "Łukasz Żółć", "Ζωή Παπαδοπούλου", "Пётр Щукин", "李小龙 自行车",
		"محمد الدراجات", "שלום אופניים", "Cycles & Co 🚲", "O’Brien « Le Rayon »", strings.Repeat("Très long nom ", 8)}
	towns := []string{"Paris", "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson", "Besançon", "Pointe-à-Pitre", "Évry", "", "Zürich"}
	bbans := map[string]int{"FR": 23, "DE": 18, "BE": 12, "ES": 20, "IT": 23, "NL": 14}
	countries := []string{"FR", "DE", "BE", "ES", "IT", "NL"}
	var ts []Transfer
	for i := 1; i <= 300; i++ {
		c := countries[rng.IntN(len(countries))]
		var bban strings.Builder
		for k := 0; k < bbans[c]; k++ {
			bban.WriteByte(byte('0' + rng.IntN(10)))
		}
		if c == "NL" || c == "IT" { // letters where those countries put them
			s := []byte(bban.String())
			if c == "NL" {
				copy(s, "ABNA")
			} else {
				s[0] = 'X'
			}
			bban.Reset()
			bban.Write(s)
		}
		iban := validIBAN(c, bban.String())
		switch i % 23 {
		case 5:
			iban = ""
		case 11:
			iban = iban[:len(iban)-1] + string('0'+(iban[len(iban)-1]-'0'+1)%10) // checksum broken
		}
		bic := ""
		if i%3 == 0 {
			bic = "BNPAFRPP" + []string{"", "XXX"}[i%2]
		}
		ts = append(ts, Transfer{
			Ref:           fmt.Sprintf("REL-%d-2026-%04d", i, 1+rng.IntN(12)),
			AmountCents:   rng.Int64N(300000) - 5000, // some zero or negative: nothing to pay
			ExecutionDate: time.Date(2026, 11, 10+rng.IntN(4), 0, 0, 0, 0, time.UTC),
			Creditor: Party{Name: names[rng.IntN(len(names))] + fmt.Sprint(" ", i), Street: fmt.Sprintf("%d rue de l'Église", i),
				Postcode: fmt.Sprintf("%05d", rng.IntN(100000)), Town: towns[rng.IntN(len(towns))], Country: c, IBAN: iban, BIC: bic},
		})
	}
	paid, unpaid := Split(ts)
	if len(paid)+len(unpaid) != len(ts) || len(paid) < 100 || len(unpaid) < 30 {
		t.Fatalf("%d paid, %d unpaid of %d: the generator should give both", len(paid), len(unpaid), len(ts))
	}
	m := sample()
	m.Transfers = paid
	out, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "virements.xml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := xmllint(t, path); err != nil {
		t.Fatalf("schema validation failed:\n%v", err)
	}
	var d parsed
	if err := xml.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	var want, got int64
	for _, p := range paid {
		want += p.AmountCents
	}
	n := 0
	for _, b := range d.PmtInf {
		var bs int64
		for _, tx := range b.Txs {
			bs += cents(t, tx.Amt.V)
			n++
		}
		if bs != cents(t, b.CtrlSum) || strconv.Itoa(len(b.Txs)) != b.NbOfTxs {
			t.Errorf("block %s: sum %d, count %d; header says %s, %s", b.Date, bs, len(b.Txs), b.CtrlSum, b.NbOfTxs)
		}
		got += bs
	}
	if n != len(paid) || d.NbOfTxs != strconv.Itoa(len(paid)) || got != want || cents(t, d.CtrlSum) != want {
		t.Errorf("file: %d transfers (%s), %d cents (%s); want %d, %d", n, d.NbOfTxs, got, d.CtrlSum, len(paid), want)
	}
	for _, r := range []rune(string(out)) {
		if r > 127 {
			t.Fatalf("non-ASCII %q in the file: the SEPA set is ASCII", r)
		}
	}
}
