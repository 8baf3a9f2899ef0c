// Package fectest checks a Fichier des Écritures Comptables against article A47 A-1 of the Livre
// des procédures fiscales, read on its own (it does not use package accounting): the 18 fields
// in their order with the header line, dates AAAAMMJJ, amounts with a decimal comma, the
// mandatory fields filled, every entry (EcritureNum) balanced, entries numbered continuously per
// journal, entry dates within the fiscal year. Reconcile compares the movements of accounts
// with expected figures (the workbook's).
package fectest

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The fields of a FEC line, in the order of the article (I. 1° to 18°).
const (
	JournalCode = iota
	JournalLib
	EcritureNum
	EcritureDate
	CompteNum
	CompteLib
	CompAuxNum
	CompAuxLib
	PieceRef
	PieceDate
	EcritureLib
	Debit
	Credit
	EcritureLet
	DateLet
	ValidDate
	Montantdevise
	Idevise
	nFields
)

// names are the header's field names, as the article spells them.
var names = [nFields]string{"JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
	"CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
	"EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"}

// mandatory are the fields every line fills: all but the auxiliary account, the lettering and
// the foreign currency, which the article makes conditional.
var mandatory = []int{JournalCode, JournalLib, EcritureNum, EcritureDate, CompteNum, CompteLib,
	PieceRef, PieceDate, EcritureLib, Debit, Credit, ValidDate}

// Line is one line of the file: its 18 fields and its line number in the file (header = 1).
type Line struct {
	No     int
	Fields [nFields]string
}

// Finding is one breach of the format, on a line of the file (0: the file as a whole).
type Finding struct {
	Line int
	Msg  string
}

// String writes the finding with its line number.
func (f Finding) String() string { return fmt.Sprintf("line %d: %s", f.Line, f.Msg) }

// Options are what the check needs besides the file: the fiscal year (first and last days) that
// every EcritureDate must fall in, and, when known, the first EcritureNum expected per journal
// (the continuation of the earlier files of the same fiscal year).
type Options struct {
	FiscalYearFirst time.Time
	FiscalYearLast  time.Time
	FirstNum        map[string]int
}

var amountRE = regexp.MustCompile(`^[0-9]+,[0-9]{2}$`)

// ParseAmount reads an amount written with a decimal comma and two decimals ("1234,56") as cents.
func ParseAmount(s string) (int64, error) {
	if !amountRE.MatchString(s) {
		return 0, fmt.Errorf("amount %q: digits, a decimal comma and two decimals expected (1234,56)", s)
	}
	n, err := strconv.ParseInt(strings.Replace(s, ",", "", 1), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	return n, nil
}

func parseDate(s string) (time.Time, error) {
	if len(s) != 8 {
		return time.Time{}, fmt.Errorf("date %q: AAAAMMJJ expected", s)
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: not a calendar date (AAAAMMJJ)", s)
	}
	return t, nil
}

// Parse splits the file into lines of 18 fields separated by « | », after checking the header.
// Lines that cannot be split are findings; the others are returned.
func Parse(data []byte) ([]Line, []Finding) {
	var out []Line
	var fs []Finding
	text := string(data)
	if strings.HasPrefix(text, "\uFEFF") {
		fs = append(fs, Finding{1, "byte order mark before the header"})
		text = strings.TrimPrefix(text, "\uFEFF")
	}
	text = strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if text == "" {
		return nil, []Finding{{0, "empty file: the header line is required"}}
	}
	rows := strings.Split(text, "\n")
	if got := strings.Split(rows[0], "|"); strings.Join(got, "|") != strings.Join(names[:], "|") {
		fs = append(fs, Finding{1, fmt.Sprintf("header %q: want the 18 field names of article A47 A-1 in order, separated by |", rows[0])})
	}
	for i, row := range rows[1:] {
		no := i + 2
		f := strings.Split(row, "|")
		if len(f) != nFields {
			fs = append(fs, Finding{no, fmt.Sprintf("%d fields, 18 expected", len(f))})
			continue
		}
		var l Line
		l.No = no
		copy(l.Fields[:], f)
		out = append(out, l)
	}
	return out, fs
}

// Check returns every breach of the format found in the file, or none. Long on purpose: it is
// the checklist of the FEC's rules (article A47 A-1 of the LPF), one after the other over a
// single parse of the file, in the order a tax auditor's tool runs them.
func Check(data []byte, opt Options) []Finding {
	lines, fs := Parse(data)
	if len(lines) == 0 && len(fs) == 0 {
		fs = append(fs, Finding{0, "no entry line"})
	}
	type entry struct {
		journal, date string
		debit, credit int64
		first         int
	}
	entries := map[string]*entry{} // key: journal + "\x00" + num
	order := map[string][]int{}    // journal → its entry numbers in the order they appear
	lastKey := ""
	for _, l := range lines {
		f := l.Fields
		add := func(msg string, a ...any) { fs = append(fs, Finding{l.No, fmt.Sprintf(msg, a...)}) }
		for _, k := range mandatory {
			if strings.TrimSpace(f[k]) == "" {
				add("%s is empty", names[k])
			}
		}
		for _, k := range []int{EcritureDate, PieceDate, ValidDate} {
			if f[k] != "" {
				if _, err := parseDate(f[k]); err != nil {
					add("%s: %v", names[k], err)
				}
			}
		}
		if d, err := parseDate(f[EcritureDate]); err == nil && !opt.FiscalYearFirst.IsZero() {
			if d.Before(opt.FiscalYearFirst) || d.After(opt.FiscalYearLast) {
				add("EcritureDate %s outside the fiscal year %s–%s", f[EcritureDate], opt.FiscalYearFirst.Format("20060102"), opt.FiscalYearLast.Format("20060102"))
			}
		}
		if (f[CompAuxNum] == "") != (f[CompAuxLib] == "") {
			add("CompAuxNum and CompAuxLib go together")
		}
		if f[DateLet] != "" {
			if f[EcritureLet] == "" {
				add("DateLet without EcritureLet")
			}
			if _, err := parseDate(f[DateLet]); err != nil {
				add("DateLet: %v", err)
			}
		}
		if (f[Montantdevise] == "") != (f[Idevise] == "") {
			add("Montantdevise and Idevise go together")
		} else if f[Montantdevise] != "" {
			if _, err := ParseAmount(f[Montantdevise]); err != nil {
				add("Montantdevise: %v", err)
			}
			if len(f[Idevise]) != 3 {
				add("Idevise %q: an ISO 4217 code expected", f[Idevise])
			}
		}
		d, errD := ParseAmount(f[Debit])
		c, errC := ParseAmount(f[Credit])
		if errD != nil {
			add("Debit: %v", errD)
		}
		if errC != nil {
			add("Credit: %v", errC)
		}
		if errD == nil && errC == nil && d != 0 && c != 0 {
			add("both Debit and Credit filled")
		}
		if errD == nil && errC == nil && d == 0 && c == 0 {
			add("line without amount")
		}
		num, err := strconv.Atoi(f[EcritureNum])
		if err != nil || num <= 0 || strconv.Itoa(num) != f[EcritureNum] {
			add("EcritureNum %q: a positive sequence number expected", f[EcritureNum])
			continue
		}
		key := f[JournalCode] + "\x00" + f[EcritureNum]
		e, seen := entries[key]
		if !seen {
			e = &entry{journal: f[JournalCode], date: f[EcritureDate], first: l.No}
			entries[key] = e
			order[f[JournalCode]] = append(order[f[JournalCode]], num)
		} else if lastKey != key {
			add("entry %s %s continues after another entry began (its lines must follow each other)", f[JournalCode], f[EcritureNum])
		}
		if e.date != f[EcritureDate] {
			add("entry %s %s has two dates (%s, %s)", f[JournalCode], f[EcritureNum], e.date, f[EcritureDate])
		}
		e.debit += d
		e.credit += c
		lastKey = key
	}
	for key, e := range entries {
		if e.debit != e.credit {
			j, n, _ := strings.Cut(key, "\x00")
			fs = append(fs, Finding{e.first, fmt.Sprintf("entry %s %s does not balance: debit %d, credit %d cents", j, n, e.debit, e.credit)})
		}
	}
	for j, nums := range order {
		want := nums[0]
		if first, ok := opt.FirstNum[j]; ok && nums[0] != first {
			fs = append(fs, Finding{0, fmt.Sprintf("journal %s starts at %d; %d expected (continuing the fiscal year)", j, nums[0], first)})
		}
		for _, n := range nums {
			if n != want {
				fs = append(fs, Finding{0, fmt.Sprintf("journal %s: entry %d follows %d (numbers must be continuous)", j, n, want-1)})
				want = n
			}
			want++
		}
	}
	sortFindings(fs)
	return fs
}

func sortFindings(fs []Finding) {
	for i := 1; i < len(fs); i++ {
		for k := i; k > 0 && (fs[k].Line < fs[k-1].Line || fs[k].Line == fs[k-1].Line && fs[k].Msg < fs[k-1].Msg); k-- {
			fs[k], fs[k-1] = fs[k-1], fs[k]
		}
	}
}

// Key is an account with its auxiliary account ("" for none).
type Key struct {
	Account string
	Aux     string
}

// Movements sums, per account and auxiliary account, debit minus credit in cents, over the
// lines whose journal is not in skip (e.g. the à-nouveaux journal, to get the period's
// movements only). Lines with malformed amounts are left out (Check reports them).
func Movements(lines []Line, skip ...string) map[Key]int64 {
	m := map[Key]int64{}
next:
	for _, l := range lines {
		for _, s := range skip {
			if l.Fields[JournalCode] == s {
				continue next
			}
		}
		d, err1 := ParseAmount(l.Fields[Debit])
		c, err2 := ParseAmount(l.Fields[Credit])
		if err1 != nil || err2 != nil {
			continue
		}
		m[Key{l.Fields[CompteNum], l.Fields[CompAuxNum]}] += d - c
	}
	return m
}

// Expect is one figure the movements must show: the sum of Debit − Credit over the accounts
// listed (each with the auxiliary account Aux, or over all auxiliaries when Aux is "*"), named
// What for the finding.
type Expect struct {
	What     string
	Accounts []string
	Aux      string
	Want     int64
}

// Reconcile compares the movements with the expected figures and returns one finding per
// figure that differs.
func Reconcile(mov map[Key]int64, expects []Expect) []Finding {
	var fs []Finding
	for _, e := range expects {
		accounts := map[string]bool{} // an account listed twice (411 for invoices and debit notes) counts once
		for _, a := range e.Accounts {
			accounts[a] = true
		}
		var got int64
		for k, v := range mov {
			if accounts[k.Account] && (e.Aux == "*" || k.Aux == e.Aux) {
				got += v
			}
		}
		if got != e.Want {
			fs = append(fs, Finding{0, fmt.Sprintf("%s: the entries move %d cents, the workbook says %d", e.What, got, e.Want)})
		}
	}
	return fs
}

// RepairerFigures are one repairer's figures of the period in the workbook (domain.md, "Paying
// and booking the month"), in cents.
type RepairerFigures struct {
	Aux                   string // the repairer's auxiliary account
	Payable               int64  // the statement's « Net à payer »
	InvoicesTTC           int64  // the network's invoices to them, TTC
	DebitNotes            int64  // the network's debit notes to them
	PlansCreated          int64  // overflow put on a new plan
	InstallmentsCollected int64  // installments paid, both parts
	PlansClosed           int64  // plan balances closed into an invoice or a debit note
}

// RepairerExpects turns a repairer's figures into expected movements: the payable account
// moves by −Payable (a credit), the receivable accounts by invoices TTC + debit notes + plan
// balances created − installments collected − plan balances closed.
func RepairerExpects(r RepairerFigures, payable string, receivables []string) []Expect {
	return []Expect{
		{What: "payable of " + r.Aux, Accounts: []string{payable}, Aux: r.Aux, Want: -r.Payable},
		{What: "receivables of " + r.Aux, Accounts: receivables, Aux: r.Aux,
			Want: r.InvoicesTTC + r.DebitNotes + r.PlansCreated - r.InstallmentsCollected - r.PlansClosed},
	}
}

// String writes the findings one per line, for test failures.
func String(fs []Finding) string {
	var b bytes.Buffer
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}
