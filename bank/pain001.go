package bank

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"savbilling/money"
)

// maxAmountCents is the largest amount of one SEPA credit transfer: 999 999 999,99 €.
const maxAmountCents = 99_999_999_999

// Transfer is one credit transfer: the statement's Payable to the repairer's account. Ref is the
// statement number; it is both the end-to-end id and the unstructured remittance information.
// ExecutionDate is the statement's payment date (its calendar date is used as written, in its
// own location).
type Transfer struct {
	Ref           string
	AmountCents   int64
	Creditor      Party
	ExecutionDate time.Time
}

// Message is one pain.001.001.09 customer credit transfer initiation: the network pays every
// transfer from its account. MessageID (1 to 35 characters, unique per file sent to the bank)
// and Created come from the ledger, so that a re-render gives the same bytes.
type Message struct {
	MessageID string
	Created   time.Time
	Debtor    Party
	Transfers []Transfer
}

// Render writes the message as one pain.001.001.09 document following the EPC SCT customer-to-
// PSP implementation guidelines 2023 (EPC132-08 V1.0): one payment information block per
// execution date, in date order, each holding its transfers in order of Ref; exact counts and
// control sums (from cents); service level SEPA; charges SLEV; structured postal addresses
// (street, postcode, town, country); names and addresses in the SEPA character set, cut to the
// fields' lengths. It refuses (with an error naming the transfer and the fix) a message that
// would be an invalid file: no transfer, a transfer that Check refuses, a duplicate Ref, an
// identifier outside the SEPA rules, or a debtor without a valid IBAN, name, town or country.
// Long on purpose: it writes the pain.001.001.09 elements in the schema's order, one after the
// other, so that the code reads as the file does (the checks are functions of their own).
func Render(m Message) ([]byte, error) {
	if !validID(m.MessageID) {
		return nil, fmt.Errorf("bank file: message id %q: 1 to 35 characters of the SEPA set, no space, not starting or ending with / and no //", m.MessageID)
	}
	if m.Created.IsZero() {
		return nil, errors.New("bank file: creation time missing")
	}
	if len(m.Transfers) == 0 {
		return nil, errors.New("bank file: no transfer to pay (a file needs at least one; write none)")
	}
	if probs := Check(m.Debtor, 1); len(probs) > 0 {
		return nil, fmt.Errorf("bank file: the network's own account cannot pay: %s (fix the network's identity in the configuration)", probs[0].Detail)
	}
	seen := map[string]bool{}
	for _, t := range m.Transfers {
		if !validID(t.Ref) {
			return nil, fmt.Errorf("bank file: statement number %q cannot be an end-to-end id (1 to 35 characters of the SEPA set, no space, no leading, trailing or double /)", t.Ref)
		}
		if seen[t.Ref] {
			return nil, fmt.Errorf("bank file: statement %s appears twice (a statement is paid once)", t.Ref)
		}
		seen[t.Ref] = true
		if probs := Check(t.Creditor, t.AmountCents); len(probs) > 0 {
			return nil, fmt.Errorf("bank file: statement %s cannot be paid by the file: %s (leave it out and list it in Paiements)", t.Ref, probs[0].Detail)
		}
		if t.ExecutionDate.IsZero() {
			return nil, fmt.Errorf("bank file: statement %s has no payment date", t.Ref)
		}
	}

	txs := slices.Clone(m.Transfers)
	slices.SortFunc(txs, func(a, b Transfer) int {
		return cmp.Or(strings.Compare(day(a.ExecutionDate), day(b.ExecutionDate)), strings.Compare(a.Ref, b.Ref))
	})
	type block struct {
		date string
		txs  []Transfer
		sum  int64
	}
	var blocks []*block
	var total int64
	for _, t := range txs {
		d := day(t.ExecutionDate)
		if len(blocks) == 0 || blocks[len(blocks)-1].date != d {
			blocks = append(blocks, &block{date: d})
		}
		b := blocks[len(blocks)-1]
		b.txs = append(b.txs, t)
		var err error
		if b.sum, err = money.Add(b.sum, t.AmountCents); err != nil {
			return nil, fmt.Errorf("bank file: control sum of %s: %w", d, err)
		}
		if total, err = money.Add(total, t.AmountCents); err != nil {
			return nil, fmt.Errorf("bank file: control sum: %w", err)
		}
	}

	debtorIBAN, _ := ValidateIBAN(m.Debtor.IBAN)
	w := &xmlWriter{}
	w.buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.open(`Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"`)
	w.open("CstmrCdtTrfInitn")
	w.open("GrpHdr")
	w.leaf("MsgId", m.MessageID)
	w.leaf("CreDtTm", m.Created.Format("2006-01-02T15:04:05Z07:00"))
	w.leaf("NbOfTxs", fmt.Sprint(len(txs)))
	w.leaf("CtrlSum", formatAmount(total))
	w.open("InitgPty")
	w.leaf("Nm", Field(m.Debtor.Name, 70))
	w.close()
	w.close() // GrpHdr
	for _, b := range blocks {
		w.open("PmtInf")
		w.leaf("PmtInfId", pmtInfID(m.MessageID, b.date))
		w.leaf("PmtMtd", "TRF")
		w.leaf("NbOfTxs", fmt.Sprint(len(b.txs)))
		w.leaf("CtrlSum", formatAmount(b.sum))
		w.open("PmtTpInf")
		w.open("SvcLvl")
		w.leaf("Cd", "SEPA")
		w.close()
		w.close()
		w.open("ReqdExctnDt")
		w.leaf("Dt", b.date)
		w.close()
		w.open("Dbtr")
		w.leaf("Nm", Field(m.Debtor.Name, 70))
		w.address(m.Debtor)
		w.close()
		w.account("DbtrAcct", debtorIBAN)
		w.open("DbtrAgt")
		w.open("FinInstnId")
		if bic, err := ValidateBIC(m.Debtor.BIC); err == nil {
			w.leaf("BICFI", bic)
		} else {
			w.open("Othr")
			w.leaf("Id", "NOTPROVIDED")
			w.close()
		}
		w.close()
		w.close()
		w.leaf("ChrgBr", "SLEV")
		for _, t := range b.txs {
			iban, _ := ValidateIBAN(t.Creditor.IBAN)
			w.open("CdtTrfTxInf")
			w.open("PmtId")
			w.leaf("EndToEndId", t.Ref)
			w.close()
			w.open("Amt")
			w.leaf(`InstdAmt Ccy="EUR"`, formatAmount(t.AmountCents))
			w.close()
			if bic, err := ValidateBIC(t.Creditor.BIC); err == nil {
				w.open("CdtrAgt")
				w.open("FinInstnId")
				w.leaf("BICFI", bic)
				w.close()
				w.close()
			}
			w.open("Cdtr")
			w.leaf("Nm", Field(t.Creditor.Name, 70))
			w.address(t.Creditor)
			w.close()
			w.account("CdtrAcct", iban)
			w.open("RmtInf")
			w.leaf("Ustrd", t.Ref)
			w.close()
			w.close() // CdtTrfTxInf
		}
		w.close() // PmtInf
	}
	w.close()
	w.close()
	return w.buf.Bytes(), nil
}

// day is the calendar date of t in its own location, as ISO 8601.
func day(t time.Time) string { return t.Format("2006-01-02") }

// pmtInfID names a payment information block: the message id (cut to leave room) and the date.
func pmtInfID(msgID, date string) string {
	if len(msgID) > 26 {
		msgID = strings.TrimRight(msgID[:26], "/")
	}
	return msgID + "-" + strings.ReplaceAll(date, "-", "")
}

// formatAmount writes cents as a decimal with a dot and two decimals (12345 → "123.45"), without
// floating point. Amounts here are never negative.
func formatAmount(c int64) string {
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

// xmlWriter writes indented XML. Every text it writes is already in the SEPA character set,
// which holds none of the characters XML escapes, but leaf escapes them anyway.
type xmlWriter struct {
	buf   bytes.Buffer
	stack []string
}

func (w *xmlWriter) indent() { w.buf.WriteString(strings.Repeat("  ", len(w.stack))) }

func (w *xmlWriter) open(tag string) {
	w.indent()
	w.buf.WriteString("<" + tag + ">\n")
	name, _, _ := strings.Cut(tag, " ")
	w.stack = append(w.stack, name)
}

func (w *xmlWriter) close() {
	name := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.indent()
	w.buf.WriteString("</" + name + ">\n")
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (w *xmlWriter) leaf(tag, text string) {
	name, _, _ := strings.Cut(tag, " ")
	w.indent()
	w.buf.WriteString("<" + tag + ">" + xmlEscaper.Replace(text) + "</" + name + ">\n")
}

// address writes a structured postal address: street, postcode, town, country; empty parts are
// left out (town and country are always there: Check requires them).
func (w *xmlWriter) address(p Party) {
	w.open("PstlAdr")
	if s := Field(p.Street, 70); s != "" {
		w.leaf("StrtNm", s)
	}
	if s := Field(p.Postcode, 16); s != "" {
		w.leaf("PstCd", s)
	}
	w.leaf("TwnNm", Field(p.Town, 35))
	w.leaf("Ctry", p.country())
	w.close()
}

func (w *xmlWriter) account(tag, iban string) {
	w.open(tag)
	w.open("Id")
	w.leaf("IBAN", iban)
	w.close()
	w.close()
}
