package delivery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/job"
	"savbilling/store"
	"savbilling/templates"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Server
	}{
		{"smtp://relay.example.fr", Server{Host: "relay.example.fr", Port: 587, TLS: TLSStartTLS}},
		{"smtp://mailer@relay.example.fr:2525", Server{Host: "relay.example.fr", Port: 2525, User: "mailer", TLS: TLSStartTLS}},
		{"smtp://relay.example.fr?tls=tls", Server{Host: "relay.example.fr", Port: 465, TLS: TLSImplicit}},
		{"smtp://127.0.0.1:1025?tls=none", Server{Host: "127.0.0.1", Port: 1025, TLS: TLSNone}},
		{"smtp://[::1]:25?tls=none", Server{Host: "::1", Port: 25, TLS: TLSNone}},
	} {
		got, err := ParseURL(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"", "no SMTP server"},
		{"smtps://relay.example.fr", "want the scheme smtp://"},
		{"smtp://mailer:Hunter2-secret@relay.example.fr", "remove the password from the URL"},
		{"smtp://relay.example.fr?tls=maybe", `tls="maybe"`},
		{"smtp://relay.example.fr?auth=plain", `unknown parameter "auth"`},
		{"smtp://relay.example.fr:0", `port "0"`},
		{"smtp://relay.example.fr/x", "unexpected path"},
		{"smtp://:25", "no host"},
		{"smtp://mailer:Hunter2-secret@relay.example.fr:99999", "remove the password"},
		{"smtp://mailer:Hunter2-secret@[::1", "SMTP URL"},
	} {
		_, err := ParseURL(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseURL(%q) = %v, want an error with %q", c.in, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "Hunter2") {
			t.Errorf("ParseURL(%q) prints the password: %v", c.in, err)
		}
	}
}

// The limiter starts each message at least 1/rate after the one before; with no rate it never
// waits.
func TestLimiterSpacesMessages(t *testing.T) {
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var slept []time.Duration
	l := newLimiter(4)
	l.now = func() time.Time { return clock }
	l.sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		clock = clock.Add(d)
		return nil
	}
	var starts []time.Duration
	t0 := clock
	for i := range 5 {
		if i == 3 {
			clock = clock.Add(time.Second) // a slow message: the next one need not wait
		}
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, clock.Sub(t0))
		clock = clock.Add(10 * time.Millisecond) // the message's own time
	}
	want := []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 1510 * time.Millisecond, 1760 * time.Millisecond}
	for i := range want {
		if starts[i] != want[i] {
			t.Errorf("message %d starts at %v, want %v (all: %v)", i, starts[i], want[i], starts)
		}
	}
	free := newLimiter(0)
	free.sleep = func(context.Context, time.Duration) error { t.Error("a limiter without rate slept"); return nil }
	for range 3 {
		_ = free.wait(context.Background())
	}
}

func TestBackoffDoubles(t *testing.T) {
	got := []time.Duration{backoff(2*time.Second, 1), backoff(2*time.Second, 2), backoff(2*time.Second, 3), backoff(2*time.Second, 10)}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, time.Minute}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("backoff %d = %v, want %v", i+1, got[i], want[i])
		}
	}
}

func TestMessageIDIsDerivedFromTheDocuments(t *testing.T) {
	p := sb.MustPeriod("2026-10")
	a := MessageID(p, []string{"REL-12-2026-0003", "FAC-2026-000004"}, "example.fr")
	if a != "<2026-10.REL-12-2026-0003.FAC-2026-000004@example.fr>" {
		t.Errorf("MessageID = %s", a)
	}
	if b := MessageID(p, []string{"REL-12-2026-0003"}, "example.fr"); b == a {
		t.Error("different documents, same Message-ID")
	}
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf("NDD-2026-%06d", i+1)
	}
	long := MessageID(p, many, "example.fr")
	if len(long) > 100 || long != MessageID(p, many, "example.fr") || !strings.HasPrefix(long, "<2026-10.NDD-") {
		t.Errorf("long MessageID = %s", long)
	}
}

func TestCheckAddress(t *testing.T) {
	for in, want := range map[string]string{
		"eloise@example.com":     "",
		" eloise@example.com ":   "",
		"":                       "sans adresse e-mail",
		"eloise(at)example.com":  "adresse e-mail invalide",
		"Éloïse <e@example.com>": "adresse e-mail invalide",
		"e@localhost":            "adresse e-mail invalide",
		"a@b.fr, c@d.fr":         "adresse e-mail invalide",
		"eloise@example.com.":    "adresse e-mail invalide",
		"eloise@@example.com":    "adresse e-mail invalide",
		"eloise@[192.168.0.1]":   "adresse e-mail invalide",
		"jean.dupont@sub.exa.fr": "",
	} {
		if _, why := checkAddress(in); why != want {
			t.Errorf("checkAddress(%q) = %q, want %q", in, why, want)
		}
	}
}

// The body tells the period, the statement, the payment and its date, the overflow spread and
// the invoice owed with its due date, then lists the attachments.
func TestComposeTellsWhatIsPaidAndWhatIsOwed(t *testing.T) {
	texts, err := templates.LoadMail("")
	if err != nil {
		t.Fatal(err)
	}
	r := store.SendRecipient{RepairerID: 12, Name: "Atelier « Ça Roule »", Email: "contact@caroule.fr",
		Statement: &store.SendStatement{Number: "REL-12-2026-0003", PayableCents: 123456, PaymentOn: sb.Date(2026, 11, 16),
			OverflowCents: 90000, SpreadCents: 60000, PlanID: "ECH-12-2026-10", PlanMonths: 3},
		Invoices:   []store.SendInvoice{{Number: "FAC-2026-000004", AmountCents: 36000, DueOn: sb.Date(2026, 12, 1)}},
		DebitNotes: []store.SendInvoice{{Number: "NDD-2026-000002", AmountCents: 8000, DueOn: sb.Date(2026, 12, 1)}}}
	files := []Attachment{{Name: "REL-12-2026-0003.pdf"}, {Name: "FAC-2026-000004.pdf"}, {Name: "NDD-2026-000002.pdf"}}
	subject, body := compose(texts, "Réseau Vélo Services", sb.MustPeriod("2026-10"), r, files)
	if subject != "Réseau Vélo Services — vos documents pour octobre 2026 (relevé REL-12-2026-0003)" {
		t.Errorf("subject = %q", subject)
	}
	want := `Bonjour Atelier « Ça Roule »,

Vous trouverez ci-joint vos documents pour octobre 2026.

Relevé de commissions n° REL-12-2026-0003.
Nous vous versons 1 234,56 € le 16/11/2026.
Les déductions SAV de la période dépassent vos commissions de 900,00 € HT.
600,00 € HT sont étalés en 3 échéance(s) prélevée(s) sur vos prochains relevés (échéancier ECH-12-2026-10).
Facture n° FAC-2026-000004 : 360,00 € TTC à régler au plus tard le 01/12/2026.
Note de débit n° NDD-2026-000002 : 80,00 € (indemnité hors champ de la TVA) à régler au plus tard le 01/12/2026.

Pièces jointes :
  · REL-12-2026-0003.pdf
  · FAC-2026-000004.pdf
  · NDD-2026-000002.pdf

Pour toute question sur ces documents, répondez simplement à ce message.

Cordialement,
Réseau Vélo Services
`
	if body != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}
}

// A repairer's attachments are the PDFs of the manifest named after their documents in the
// ledger (statements REL- and RDC-, invoices FAC-, debit notes NDD-); never an XML twin, another
// repairer's file or a file no document of the ledger names.
func TestAttachmentsBelongToTheirRepairerOnly(t *testing.T) {
	m := &job.Manifest{Files: []job.File{
		{Path: "einvoices/REL-1-2026-0010.xml", SHA256: "x1"},
		{Path: "finance-2026-10.xlsx", SHA256: "x2"},
		{Path: "invoices/FAC-2026-000004.pdf", SHA256: "f4"},
		{Path: "invoices/NDD-2026-000002.pdf", SHA256: "n2"},
		{Path: "statements/RDC-3-2026-10.pdf", SHA256: "rdc3"},
		{Path: "statements/REL-1-2026-0010.pdf", SHA256: "r1"},
		{Path: "statements/REL-2-2026-0010.pdf", SHA256: "r2"},
		{Path: "statements/REL-9-2026-0010.pdf", SHA256: "r9"},
	}}
	rs := []store.SendRecipient{
		{RepairerID: 1, Documents: []store.SendDocument{{Kind: "statement", Number: "REL-1-2026-0010"}}},
		{RepairerID: 2, Documents: []store.SendDocument{{Kind: "statement", Number: "REL-2-2026-0010"}, {Kind: "invoice", Number: "FAC-2026-000004"}}},
		{RepairerID: 3, Documents: []store.SendDocument{{Kind: "statement", Number: "RDC-3-2026-10"}, {Kind: "debit-note", Number: "NDD-2026-000002"}}},
	}
	got, err := attachments("out/2026-10", m, rs)
	if err != nil {
		t.Fatal(err)
	}
	names := func(as []Attachment) string {
		var s []string
		for _, a := range as {
			s = append(s, a.Name+"="+a.SHA256)
		}
		return strings.Join(s, " ")
	}
	for id, want := range map[int64]string{1: "REL-1-2026-0010.pdf=r1", 2: "FAC-2026-000004.pdf=f4 REL-2-2026-0010.pdf=r2",
		3: "NDD-2026-000002.pdf=n2 RDC-3-2026-10.pdf=rdc3"} {
		if g := names(got[id]); g != want {
			t.Errorf("repairer %d: %s, want %s", id, g, want)
		}
	}
	if len(got) != 3 {
		t.Errorf("attachments for %d repairers, want 3: %v", len(got), got)
	}
	rs[0].Documents = append(rs[0].Documents, store.SendDocument{Kind: "invoice", Number: "FAC-2026-000009"})
	if _, err := attachments("out/2026-10", m, rs); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "FAC-2026-000009") {
		t.Errorf("a document without its file: %v", err)
	}
}
