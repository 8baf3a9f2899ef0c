package delivery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/mail"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/internal/dbtest"
	"savbilling/internal/mailpit"
	"savbilling/job"
	"savbilling/store"
)

// expected is what one repairer's message must carry.
type expected struct {
	r         store.SendRecipient
	messageID string            // without angle brackets
	files     map[string]string // attachment name → SHA-256 of the period's file
}

// expectations lists the messages a send of p must deliver: one per repairer with a valid
// address, with exactly the PDFs of their documents (hashed from the files on disk).
func expectations(t *testing.T, db *store.DB, out string, p sb.Period) (map[int64]expected, []store.SendRecipient) {
	t.Helper()
	rs, err := db.SendRecipients(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	m, err := job.ReadManifest(filepath.Join(out, p.String()))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]job.File{}
	for _, f := range m.Files {
		byName[path.Base(f.Path)] = f
	}
	want := map[int64]expected{}
	for _, r := range rs {
		if _, why := checkAddress(r.Email); why != "" {
			continue
		}
		e := expected{r: r, files: map[string]string{}}
		var numbers []string
		for _, d := range r.Documents {
			f, ok := byName[d.Number+".pdf"]
			if !ok {
				t.Fatalf("no file for %s in the manifest", d.Number)
			}
			data, err := os.ReadFile(filepath.Join(out, p.String(), f.Path))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			e.files[d.Number+".pdf"] = hex.EncodeToString(sum[:])
			numbers = append(numbers, d.Number)
		}
		e.messageID = strings.Trim(MessageID(p, numbers, "example.fr"), "<>")
		want[r.RepairerID] = e
	}
	return want, rs
}

// checkReceived checks that the server holds exactly one message for each expected one, to the
// repairer's address, in French, with exactly their documents (SHA-256 equal to the files).
func checkReceived(t *testing.T, mp *mailpit.Server, p sb.Period, want map[int64]expected) {
	t.Helper()
	got := received(t, mp)
	for _, w := range want {
		ms := got[w.messageID]
		if len(ms) != 1 {
			t.Errorf("repairer %d: %d messages with Message-ID %s, want 1", w.r.RepairerID, len(ms), w.messageID)
			continue
		}
		m, err := mp.Message(ms[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.To) != 1 || m.To[0].Address != w.r.Email {
			t.Errorf("repairer %d: sent to %v, want %s", w.r.RepairerID, m.To, w.r.Email)
		}
		month := frfmt.FormatMonth(p.Year, p.Month)
		if st := w.r.Statement; st != nil {
			if !strings.Contains(m.Subject, st.Number) || !strings.Contains(m.Subject, month) {
				t.Errorf("repairer %d: subject %q lacks %s or %s", w.r.RepairerID, m.Subject, st.Number, month)
			}
			if st.PayableCents > 0 && !strings.Contains(m.Text, "Nous vous versons "+frfmt.FormatEUR(st.PayableCents)+" le "+frfmt.FormatDate(st.PaymentOn)) {
				t.Errorf("repairer %d: body lacks the payment of %s:\n%s", w.r.RepairerID, frfmt.FormatEUR(st.PayableCents), m.Text)
			}
			if st.PayableCents == 0 && !strings.Contains(m.Text, "Aucun versement ce mois-ci.") {
				t.Errorf("repairer %d: body does not say nothing is paid:\n%s", w.r.RepairerID, m.Text)
			}
		}
		for _, inv := range w.r.Invoices {
			if !strings.Contains(m.Text, "Facture n° "+inv.Number+" : "+frfmt.FormatEUR(inv.AmountCents)+" TTC à régler au plus tard le "+frfmt.FormatDate(inv.DueOn)) {
				t.Errorf("repairer %d: body lacks invoice %s:\n%s", w.r.RepairerID, inv.Number, m.Text)
			}
		}
		for _, n := range w.r.DebitNotes {
			if !strings.Contains(m.Text, "Note de débit n° "+n.Number+" : "+frfmt.FormatEUR(n.AmountCents)+" (indemnité hors champ de la TVA) à régler au plus tard le "+frfmt.FormatDate(n.DueOn)) {
				t.Errorf("repairer %d: body lacks debit note %s:\n%s", w.r.RepairerID, n.Number, m.Text)
			}
		}
		names := map[string]bool{}
		for _, a := range m.Attachments {
			names[a.FileName] = true
			sha, ok := w.files[a.FileName]
			if !ok {
				t.Errorf("repairer %d: attachment %s is not one of their documents", w.r.RepairerID, a.FileName)
				continue
			}
			data, err := mp.Attachment(m.ID, a.PartID)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != sha {
				t.Errorf("repairer %d: attachment %s differs from the period's file", w.r.RepairerID, a.FileName)
			}
		}
		for name := range w.files {
			if !names[name] {
				t.Errorf("repairer %d: %s not attached", w.r.RepairerID, name)
			}
		}
	}
}

// The demo's three months are sent to a real server: one message per repairer with an address,
// each with exactly their documents, byte for byte; a repairer without a valid address is listed;
// a second run sends nothing.
func TestSendDeliversEachRepairerTheirDocumentsOnce(t *testing.T) {
	mailpit.Require(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db, out := demo(t, e)
			if err := db.Exec(ctx, "UPDATE repairers SET email = NULL WHERE id = 4"); err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(ctx, "UPDATE repairers SET email = 'jean.dupont(at)example.com' WHERE id = 5"); err != nil {
				t.Fatal(err)
			}
			mp := mailpit.Start(t)
			total := 0
			for _, p := range demoPeriods {
				want, rs := expectations(t, db, out, p)
				res, err := Send(ctx, db, options(t, p, out, mp.SMTP, nil))
				if err != nil {
					t.Fatalf("send %s: %v", p, err)
				}
				if res.Sent != len(want) || res.Already != 0 || res.Failed != 0 || res.NoAddress != len(rs)-len(want) || res.NoAddress != 2 {
					t.Errorf("send %s: sent %d, already %d, failed %d, no address %d; want %d sent, 2 without address",
						p, res.Sent, res.Already, res.Failed, res.NoAddress, len(want))
				}
				total += len(want)
				if n, err := mp.Count(); err != nil || n != total {
					t.Errorf("after %s: the server holds %d messages, want %d (%v)", p, n, total, err)
				}
				checkReceived(t, mp, p, want)

				again, err := Send(ctx, db, options(t, p, out, mp.SMTP, nil))
				if err != nil {
					t.Fatalf("second send %s: %v", p, err)
				}
				if again.Sent != 0 || again.Already != len(want) {
					t.Errorf("second send %s: sent %d, already %d; want 0 and %d", p, again.Sent, again.Already, len(want))
				}
				if n, _ := mp.Count(); n != total {
					t.Errorf("second send %s: the server holds %d messages, want %d", p, n, total)
				}
				csv, err := os.ReadFile(filepath.Join(out, p.String(), "envois-"+p.String()+".csv"))
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
				if len(lines) != len(rs)+1 || !strings.Contains(string(csv), ";sans adresse e-mail;") || !strings.Contains(string(csv), ";adresse e-mail invalide;") {
					t.Errorf("%s: report has %d lines, want %d, with the two repairers without a valid address:\n%s", p, len(lines), len(rs)+1, csv)
				}
			}
		})
	}
}

// A crash between the server's acceptance and the log's write leaves the message 'sending': the
// rerun sends that message again, under the same Message-ID, and no other.
func TestSendRerunResendsOnlyTheMessageLeftSending(t *testing.T) {
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	mp := mailpit.Start(t)
	p := demoPeriods[1]
	want, _ := expectations(t, db, out, p)
	if _, err := Send(ctx, db, options(t, p, out, mp.SMTP, nil)); err != nil {
		t.Fatal(err)
	}
	log, err := db.SendLog(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	crashed := log[3]
	crashed.State, crashed.AcceptedAt = store.SendSending, time.Time{} // the log's write after the 250 was lost
	if err := db.SaveSendEntry(ctx, crashed); err != nil {
		t.Fatal(err)
	}
	res, err := Send(ctx, db, options(t, p, out, mp.SMTP, nil))
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 1 || res.Already != len(want)-1 {
		t.Errorf("rerun: sent %d, already %d; want 1 and %d", res.Sent, res.Already, len(want)-1)
	}
	got := received(t, mp)
	for id, w := range want {
		n := len(got[w.messageID])
		if id == crashed.RepairerID && n != 2 || id != crashed.RepairerID && n != 1 {
			t.Errorf("repairer %d: %d copies of %s", id, n, w.messageID)
		}
	}
	if c := got[strings.Trim(crashed.MessageID, "<>")]; len(c) != 2 {
		t.Errorf("the resent message does not carry the Message-ID of the first: %d copies of %s", len(c), crashed.MessageID)
	}
}

// A 451 answer is retried with backoff on the same connection; once the retries are spent the
// message is failed-temporary (exit 1), and the next run sends it, and only it. Every message
// of a run goes through one connection.
func TestSendRetriesTemporaryRefusals(t *testing.T) {
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	mp := mailpit.Start(t)
	px := startProxy(t, mp.SMTP)
	p := demoPeriods[1]
	want, rs := expectations(t, db, out, p)
	first, second := rs[0], rs[1]
	px.refuse(first.Email, 2)  // 451, 451, then accepted
	px.refuse(second.Email, 9) // more than the run's 4 attempts
	var logs bytes.Buffer
	res, err := Send(ctx, db, options(t, p, out, px.Addr, slog.New(slog.NewJSONHandler(&logs, nil))))
	if !errors.Is(err, ErrUndelivered) {
		t.Fatalf("send = %v, want ErrUndelivered", err)
	}
	if res.Sent != len(want)-1 || res.Failed != 1 {
		t.Errorf("sent %d, failed %d; want %d and 1", res.Sent, res.Failed, len(want)-1)
	}
	if n := px.connections(); n != 1 {
		t.Errorf("%d SMTP connections for %d messages, want 1", n, len(want))
	}
	log, err := db.SendLog(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		switch e.RepairerID {
		case first.RepairerID:
			if e.State != store.SendAccepted || e.Attempts != 3 {
				t.Errorf("after two 451: %s after %d attempts, want accepted after 3", e.State, e.Attempts)
			}
		case second.RepairerID:
			if e.State != store.SendFailedTemporary || e.Attempts != 4 || !strings.HasPrefix(e.LastAnswer, "451") && !strings.Contains(e.LastAnswer, " 451 ") {
				t.Errorf("after 451s: %s after %d attempts (%q), want failed-temporary after 4 with the 451", e.State, e.Attempts, e.LastAnswer)
			}
		default:
			if e.State != store.SendAccepted || e.Attempts != 1 {
				t.Errorf("repairer %d: %s after %d attempts", e.RepairerID, e.State, e.Attempts)
			}
		}
	}
	for _, r := range rs {
		if r.Email != "" && strings.Contains(logs.String(), r.Email) {
			t.Errorf("the logs show the address of repairer %d", r.RepairerID)
		}
	}
	if !strings.Contains(logs.String(), `"domain":"example.com"`) {
		t.Errorf("the logs do not name the domain:\n%s", logs.String())
	}

	px.refuse(second.Email, 0)
	res, err = Send(ctx, db, options(t, p, out, px.Addr, nil))
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 1 || res.Already != len(want)-1 {
		t.Errorf("rerun: sent %d, already %d; want 1 and %d", res.Sent, res.Already, len(want)-1)
	}
	checkReceived(t, mp, p, want)
}

// A 550 for one address is permanent: no retry in the run, the others are sent, the run exits 1
// with the server's answer listed; a rerun tries that one again and no other.
func TestSendPermanentRefusalIsListed(t *testing.T) {
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	if err := db.Exec(ctx, "UPDATE repairers SET email = 'refus@bounce.example.net' WHERE id = 7"); err != nil {
		t.Fatal(err)
	}
	mp := mailpit.Start(t, "--smtp-allowed-recipients", `@example\.com$`)
	p := demoPeriods[0]
	want, _ := expectations(t, db, out, p)
	res, err := Send(ctx, db, options(t, p, out, mp.SMTP, nil))
	if !errors.Is(err, ErrUndelivered) {
		t.Fatalf("send = %v, want ErrUndelivered", err)
	}
	if res.Sent != len(want)-1 || res.Failed != 1 {
		t.Errorf("sent %d, failed %d; want %d and 1", res.Sent, res.Failed, len(want)-1)
	}
	var refused *Line
	for i, l := range res.Lines {
		if l.RepairerID == 7 {
			refused = &res.Lines[i]
		}
	}
	if refused == nil || refused.State != store.SendFailedPermanent || refused.Attempts != 1 || !strings.Contains(refused.Answer, "550") {
		t.Fatalf("repairer 7: %+v, want failed-permanent after 1 attempt with the 550", refused)
	}
	delete(want, 7)
	checkReceived(t, mp, p, want)
	n, _ := mp.Count()
	if _, err := Send(ctx, db, options(t, p, out, mp.SMTP, nil)); !errors.Is(err, ErrUndelivered) {
		t.Errorf("rerun = %v, want ErrUndelivered again", err)
	}
	if n2, _ := mp.Count(); n2 != n {
		t.Errorf("rerun: the server holds %d messages, want %d", n2, n)
	}
	log, _ := db.SendLog(ctx, p)
	for _, e := range log {
		if e.RepairerID == 7 && e.Attempts != 2 || e.RepairerID != 7 && e.Attempts != 1 {
			t.Errorf("after the rerun, repairer %d had %d attempts", e.RepairerID, e.Attempts)
		}
	}
}

// A connection cut in the middle of a message is opened again and the message sent whole: the
// server keeps one copy, and nothing of the cut one.
func TestSendReconnectsAfterTheConnectionIsCut(t *testing.T) {
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	mp := mailpit.Start(t)
	px := startProxy(t, mp.SMTP)
	px.cutAfter(3000) // bytes of the first message's data: its headers and part of its PDF
	p := demoPeriods[2]
	want, rs := expectations(t, db, out, p)
	res, err := Send(ctx, db, options(t, p, out, px.Addr, nil))
	if err != nil {
		t.Fatal(err)
	}
	if px.streamsCut() != 1 || px.connections() != 2 {
		t.Errorf("%d cuts, %d connections; want 1 and 2", px.streamsCut(), px.connections())
	}
	if res.Sent != len(want) {
		t.Errorf("sent %d, want %d", res.Sent, len(want))
	}
	if n, _ := mp.Count(); n != len(want) {
		t.Errorf("the server holds %d messages, want %d", n, len(want))
	}
	checkReceived(t, mp, p, want)
	log, _ := db.SendLog(ctx, p)
	if log[0].RepairerID != rs[0].RepairerID || log[0].Attempts != 2 || log[0].State != store.SendAccepted {
		t.Errorf("the cut message: %+v, want accepted after 2 attempts", log[0])
	}
}

// STARTTLS with a certificate from the test's own authority, and AUTH: the client trusts only
// the authorities it is given (no verification is skipped), a wrong password stops the run
// without printing it, the right one delivers.
func TestSendOverSTARTTLSWithAuth(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	pool, cert, key := testCA(t, dir)
	const user, password = "sav-mailer", "Tr3s-S3cret!"
	auth := filepath.Join(dir, "auth")
	if err := os.WriteFile(auth, []byte(user+":"+password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mp := mailpit.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls", "--smtp-auth-file", auth)
	db, out := demo(t, sqliteEngine(t))
	p := demoPeriods[0]
	want, _ := expectations(t, db, out, p)
	opts := func(pw string, roots bool) Options {
		o := options(t, p, out, mp.SMTP, nil)
		o.Server.TLS, o.Server.User, o.Password = TLSStartTLS, user, pw
		if roots {
			o.RootCAs = pool
		}
		o.MaxAttempts = 1
		return o
	}
	_, err := Send(ctx, db, opts(password, false))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("with the system's authorities only: %v, want a certificate error", err)
	}
	var logs bytes.Buffer
	o := opts("wrong-"+password, true)
	o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	_, err = Send(ctx, db, o)
	if err == nil || !strings.Contains(err.Error(), "535") {
		t.Errorf("with a wrong password: %v, want the server's 535", err)
	}
	if err != nil && strings.Contains(err.Error()+logs.String(), password) {
		t.Errorf("the password is printed: %v\n%s", err, logs.String())
	}
	if n, _ := mp.Count(); n != 0 {
		t.Fatalf("the server holds %d messages before the right password", n)
	}
	res, err := Send(ctx, db, opts(password, true))
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != len(want) {
		t.Errorf("sent %d, want %d", res.Sent, len(want))
	}
	checkReceived(t, mp, p, want)
}

// A dry run writes each message as an .eml file and sends nothing: no server is even named,
// and the send log stays empty.
func TestSendDryRunWritesMessagesOnly(t *testing.T) {
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	p := demoPeriods[1]
	want, _ := expectations(t, db, out, p)
	o := options(t, p, out, "", nil)
	o.DryRun = true
	res, err := Send(ctx, db, o)
	if err != nil {
		t.Fatal(err)
	}
	emls, _ := filepath.Glob(filepath.Join(out, p.String(), "mail-preview", "*.eml"))
	if res.Previewed != len(want) || len(emls) != len(want) {
		t.Errorf("%d previewed, %d .eml files; want %d", res.Previewed, len(emls), len(want))
	}
	for id, w := range want {
		data, err := os.ReadFile(filepath.Join(out, p.String(), "mail-preview", strconv.FormatInt(id, 10)+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(msg.Header.Get("Message-ID")); got != "<"+w.messageID+">" {
			t.Errorf("repairer %d: preview's Message-ID %s, want <%s>", id, got, w.messageID)
		}
		for name := range w.files {
			if !bytes.Contains(data, []byte(`filename="`+name+`"`)) {
				t.Errorf("repairer %d: preview lacks %s", id, name)
			}
		}
	}
	if log, _ := db.SendLog(ctx, p); len(log) != 0 {
		t.Errorf("a dry run wrote %d send log rows", len(log))
	}
	if _, err := os.Stat(filepath.Join(out, p.String(), "envois-"+p.String()+".csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry run wrote the report: %v", err)
	}
}

// Outputs that do not match the ledger stop the send before anything goes: no manifest, a
// changed PDF, a document without its file.
func TestSendRefusesOutputsThatDoNotMatchTheLedger(t *testing.T) {
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	mp := mailpit.Start(t)
	p := demoPeriods[1]
	dir := filepath.Join(out, p.String())
	m, err := job.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, m.Files[slices.IndexFunc(m.Files, func(f job.File) bool { return strings.HasSuffix(f.Path, ".pdf") })].Path)
	orig, _ := os.ReadFile(pdf)
	manifest, _ := os.ReadFile(filepath.Join(dir, job.ManifestFile))
	for _, c := range []struct {
		name  string
		spoil func()
		want  string
	}{
		{"no manifest", func() { os.Remove(filepath.Join(dir, job.ManifestFile)) }, "no manifest.json"},
		{"changed PDF", func() {
			changed := bytes.Clone(orig)
			changed[len(changed)/2] ^= 0xff
			os.WriteFile(pdf, changed, 0o644)
		}, filepath.Base(pdf) + " is not the file the manifest lists"},
		{"document without its file", func() {
			os.WriteFile(filepath.Join(dir, job.ManifestFile), bytes.ReplaceAll(manifest, []byte(filepath.Base(pdf)), []byte("autre.pdf")), 0o644)
		}, "lists no PDF for " + strings.TrimSuffix(filepath.Base(pdf), ".pdf")},
	} {
		c.spoil()
		_, err := Send(ctx, db, options(t, p, out, mp.SMTP, nil))
		if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrIncomplete with %q", c.name, err, c.want)
		}
		os.WriteFile(pdf, orig, 0o644)
		os.WriteFile(filepath.Join(dir, job.ManifestFile), manifest, 0o644)
	}
	if n, _ := mp.Count(); n != 0 {
		t.Errorf("the server holds %d messages", n)
	}
	if log, _ := db.SendLog(ctx, p); len(log) != 0 {
		t.Errorf("%d send log rows written", len(log))
	}
}
