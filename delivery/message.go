package delivery

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/store"
	"savbilling/templates"
)

// MessageID is the Message-ID of the message carrying documents of period p, derived from
// their numbers alone (and the sender's domain), so that every send of the same documents has
// the same one and a receiver can drop a duplicate: « <2026-10.REL-12-2026-0003.FAC-2026-000004@example.fr> ».
// A long list is hashed.
func MessageID(p sb.Period, numbers []string, domain string) string {
	left := p.String() + "." + strings.Join(numbers, ".")
	if len(left) > 120 {
		sum := sha256.Sum256([]byte(left))
		left = p.String() + "." + numbers[0] + ".h" + hex.EncodeToString(sum[:12])
	}
	return "<" + left + "@" + domain + ">"
}

// domainOf is the domain part of an address, "" when it has none. It is all the logs ever
// print of an address.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

// checkAddress returns the repairer's address as it will be written to, or why it cannot be.
func checkAddress(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "sans adresse e-mail"
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Address != raw || a.Name != "" {
		return "", "adresse e-mail invalide"
	}
	local, dom, _ := strings.Cut(a.Address, "@")
	if local == "" || !strings.Contains(dom, ".") || strings.HasPrefix(dom, ".") || strings.HasSuffix(dom, ".") || strings.ContainsAny(dom, "[]") {
		return "", "adresse e-mail invalide"
	}
	return a.Address, ""
}

// compose writes the subject and body of r's message from the templates.
func compose(t *templates.Mail, network string, p sb.Period, r store.SendRecipient, files []Attachment) (subject, body string) {
	period := frfmt.FormatMonth(p.Year, p.Month)
	if r.Statement != nil {
		subject = templates.Fill(t.Subject, "network", network, "repairer", r.Name, "period", period, "number", r.Statement.Number)
	} else {
		subject = templates.Fill(t.SubjectWithoutStatement, "network", network, "repairer", r.Name, "period", period)
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(templates.Fill(t.Greeting, "repairer", r.Name))
	line("")
	line(templates.Fill(t.Intro, "period", period, "network", network))
	if st := r.Statement; st != nil {
		line("")
		line(templates.Fill(t.Statement, "number", st.Number))
		if st.PayableCents > 0 {
			line(templates.Fill(t.Payment, "amount", frfmt.FormatEUR(st.PayableCents), "date", frfmt.FormatDate(st.PaymentOn)))
		} else {
			line(t.NoPayment)
		}
		if st.OverflowCents > 0 {
			line(templates.Fill(t.Overflow, "amount", frfmt.FormatEUR(st.OverflowCents)))
			if st.SpreadCents > 0 {
				line(templates.Fill(t.Spread, "amount", frfmt.FormatEUR(st.SpreadCents), "months", strconv.Itoa(st.PlanMonths), "plan", st.PlanID))
			}
		}
	}
	for _, inv := range r.Invoices {
		line(templates.Fill(t.Invoice, "number", inv.Number, "amount", frfmt.FormatEUR(inv.AmountCents), "date", frfmt.FormatDate(inv.DueOn)))
	}
	for _, n := range r.DebitNotes {
		line(templates.Fill(t.DebitNote, "number", n.Number, "amount", frfmt.FormatEUR(n.AmountCents), "date", frfmt.FormatDate(n.DueOn)))
	}
	line("")
	line(t.Attachments)
	for _, f := range files {
		line(templates.Fill(t.Attachment, "file", f.Name))
	}
	line("")
	b.WriteString(templates.Fill(t.Closing, "network", network))
	b.WriteByte('\n')
	return subject, b.String()
}

// message builds the go-mail message of l, its texts from the templates, reading its files
// from dir and checking them against the manifest.
func message(l *letter, dir string, o Options) (*gomail.Msg, error) {
	subject, body := compose(o.Mail, o.Network, o.Period, *l.r, l.files)
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(o.From)
	if err := m.AddToFormat(l.r.Name, l.e.Address); err != nil {
		return nil, fmt.Errorf("repairer %d: address: %w", l.r.RepairerID, err)
	}
	m.Subject(subject)
	m.SetMessageIDWithValue(strings.TrimSuffix(strings.TrimPrefix(l.e.MessageID, "<"), ">"))
	m.SetDateWithValue(o.Now())
	m.SetGenHeader(gomail.HeaderUserAgent, "savbilling")
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, body)
	for _, a := range l.files {
		data, err := readAttachment(dir, a)
		if err != nil {
			return nil, err
		}
		m.AttachReadSeeker(a.Name, bytes.NewReader(data), gomail.WithFileContentType("application/pdf"))
	}
	return m, nil
}
