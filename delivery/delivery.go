// Package delivery e-mails a closed period's documents to the repairers: `savbilling send`
// (docs/delivery.md, docs/contract.md).
//
// Each repairer to whom the ledger addresses documents of the period gets one message, in
// French (templates/mail.toml), with those documents attached and nothing else: the PDF files
// of the period's manifest whose names are the numbers of their documents in the ledger (and
// their statement of account), each checked against the manifest's SHA-256. The message's
// Message-ID is derived from the document numbers, so that a resent message is recognisably
// the same one.
//
// What became of each message is kept in the ledger's send log (store.SendEntry): pending, then
// sending (committed before the SMTP transaction begins), then accepted once the server has
// answered 250 to its DATA, or failed-temporary / failed-permanent. A rerun sends every message
// that is not accepted. A crash between the server's acceptance and the log's write leaves that
// one message "sending", and the rerun sends it again under the same Message-ID: at most one
// duplicate per crash, never more.
//
// One SMTP connection carries every message of a run, at most Options.Rate messages a second;
// it is opened again after a connection error. A 4xx answer or a connection error is retried
// with a doubling backoff up to Options.MaxAttempts transactions; a 5xx answer is permanent for
// that address in this run. A repairer without a valid address is listed, never fatal.
//
// Logs never hold an address beyond its domain, nor the password.
package delivery

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/internal/atomicfile"
	"savbilling/internal/progress"
	"savbilling/job"
	"savbilling/store"
	"savbilling/templates"
)

// ErrUndelivered is returned (wrapped) when some messages could not be sent in this run; the
// others were, and Result lists them all.
var ErrUndelivered = errors.New("some messages could not be sent")

// Ledger is what a send reads and writes in the database: *store.DB.
type Ledger interface {
	LockSend(ctx context.Context, p sb.Period) (release func(), err error)
	SendRecipients(ctx context.Context, p sb.Period) ([]store.SendRecipient, error)
	SendLog(ctx context.Context, p sb.Period) ([]store.SendEntry, error)
	SaveSendEntry(ctx context.Context, e store.SendEntry) error
	SaveSendEntries(ctx context.Context, es []store.SendEntry) error
}

// Options are the settings of one send.
type Options struct {
	Period   sb.Period
	Out      string // the output folder: the period's documents are in Out/YYYY-MM
	Server   Server
	Password string        // SAVBILLING_SMTP_PASSWORD; never printed
	From     *mail.Address // the sender
	Network  string        // the network's name, in the texts
	Mail     *templates.Mail
	// Rate is the most messages a second (0: no limit); MaxAttempts the SMTP transactions per
	// message and run (at least 1); Backoff the wait before the first retry, doubled each time.
	Rate        float64
	MaxAttempts int
	Backoff     time.Duration
	Timeout     time.Duration  // of each SMTP command; 0: 30 s
	RootCAs     *x509.CertPool // trusted for TLS; nil: the system's (tests give their own CA)
	DryRun      bool           // write .eml files under Out/YYYY-MM/mail-preview/, send nothing
	Now         func() time.Time
	Log         *slog.Logger
	// Progress is told the messages sent (or written, by a dry run) out of those to send; nil:
	// nothing is told.
	Progress progress.Reporter
}

// Line is one repairer's line of a send's report.
type Line struct {
	RepairerID int64
	Name       string
	Address    string // as written to ("" when missing or invalid)
	Domain     string // the address's domain: what logs and the terminal show
	Documents  string // the numbers attached, space-separated
	State      string // a store.Send… state, or « sans adresse e-mail » / « adresse e-mail invalide »
	Attempts   int
	When       time.Time // accepted, or last tried
	Answer     string    // the server's last answer, or why not sent
	MessageID  string
	ThisRun    bool // accepted by this run (not an earlier one)
}

// Result is what a send did. The report (CSV) has a line for every repairer with documents;
// Lines keeps, in memory, only those whose message is not accepted (failed, not tried, or
// without a valid address), so that a send's memory does not grow with the network.
type Result struct {
	Period     sb.Period
	DryRun     bool
	Lines      []Line // the repairers not accepted, by repairer id
	Sent       int    // accepted by this run
	Already    int    // accepted by an earlier run
	Failed     int    // not accepted (failed-temporary, failed-permanent, or not tried)
	NoAddress  int    // missing or invalid address
	Previewed  int    // dry run: .eml files written
	CSV        string // the report written (not by a dry run)
	PreviewDir string // dry run
}

// letter is one repairer's message before it becomes a go-mail message; its texts are written
// when it is sent.
type letter struct {
	r     *store.SendRecipient
	e     store.SendEntry // its row of the send log: Message-ID, address, documents, state
	files []Attachment
}

// Send e-mails the documents of closed period o.Period (see the package comment). It returns
// an error wrapping store.ErrNotClosed when the period is not closed, ErrIncomplete when its
// outputs do not match the ledger, store.ErrLocked when another run is sending it, and
// ErrUndelivered (with the Result) when some messages could not be sent.
func Send(ctx context.Context, db Ledger, o Options) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	o.MaxAttempts = max(o.MaxAttempts, 1)
	o.Progress = progress.Or(o.Progress)
	p := o.Period
	rs, err := db.SendRecipients(ctx, p)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(o.Out, p.String())
	m, err := job.ReadManifest(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("send %s: %w: no %s in %s", p, ErrIncomplete, job.ManifestFile, dir)
		}
		return nil, fmt.Errorf("send %s: %w: %v", p, ErrIncomplete, err)
	}
	files, err := attachments(dir, m, rs)
	if err == nil {
		err = verify(dir, files)
	}
	if err != nil {
		return nil, fmt.Errorf("send %s: %w", p, err)
	}
	m = nil

	res := &Result{Period: p, DryRun: o.DryRun}
	domain := domainOf(o.From.Address)
	// letters[i] is rs[i]'s message, nil when rs[i] has no valid address (listed).
	letters := make([]*letter, len(rs))
	for i := range rs {
		r := &rs[i]
		addr, why := checkAddress(r.Email)
		if why != "" {
			res.Lines = append(res.Lines, Line{RepairerID: r.RepairerID, Name: r.Name, Domain: domainOf(r.Email), State: why,
				Documents: joinNumbers(r.Documents), Answer: why})
			res.NoAddress++
			o.Log.Warn("repairer not sent: "+why, "period", p.String(), "repairer_id", r.RepairerID)
			continue
		}
		nums := make([]string, len(r.Documents))
		for j, d := range r.Documents {
			nums[j] = d.Number
		}
		letters[i] = &letter{r: r, files: files[r.RepairerID], e: store.SendEntry{Period: p, RepairerID: r.RepairerID,
			Address: addr, Documents: strings.Join(nums, " "), MessageID: MessageID(p, nums, domain)}}
	}
	if o.DryRun {
		return preview(dir, o, res, letters)
	}

	release, err := db.LockSend(ctx, p)
	if err != nil {
		return nil, err
	}
	defer release()
	// A run killed while it wrote its report left the report's temporary file.
	if left, _ := filepath.Glob(filepath.Join(dir, "."+ReportName(p)+".tmp*")); len(left) > 0 {
		for _, f := range left {
			_ = os.Remove(f)
		}
	}
	files = nil
	s := &sender{db: db, o: o, dir: dir, res: res, limit: newLimiter(o.Rate)}
	if err := s.plan(ctx, letters); err != nil {
		return nil, fmt.Errorf("send %s: %w", p, err)
	}
	res.Lines = res.Lines[:0] // listed again, in order, with the others
	var runErr error
	csvPath, err := writeReport(dir, p, func(emit func(Line) error) error {
		runErr = s.run(ctx, rs, letters, emit)
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("send %s: write the report: %w", p, errors.Join(err, runErr))
	}
	res.CSV = csvPath
	if runErr != nil {
		return res, fmt.Errorf("send %s: %w", p, runErr)
	}
	if res.Failed > 0 {
		return res, fmt.Errorf("send %s: %w: %d of %d (see %s)", p, ErrUndelivered, res.Failed, res.Failed+res.Sent+res.Already, csvPath)
	}
	return res, nil
}

func joinNumbers(ds []store.SendDocument) string {
	ns := make([]string, len(ds))
	for i, d := range ds {
		ns[i] = d.Number
	}
	return strings.Join(ns, " ")
}

// preview writes each message as DIR/YYYY-MM/mail-preview/<repairer id>.eml and sends nothing.
func preview(dir string, o Options, res *Result, letters []*letter) (*Result, error) {
	pdir := filepath.Join(dir, "mail-preview")
	if err := os.MkdirAll(pdir, atomicfile.DirMode); err != nil {
		return nil, fmt.Errorf("send %s (dry run): %w", o.Period, err)
	}
	if err := atomicfile.RemoveTemps(pdir); err != nil {
		return nil, err
	}
	n := 0
	for _, l := range letters {
		if l != nil {
			n++
		}
	}
	o.Progress.Stage("preview", n)
	for _, l := range letters {
		if l == nil {
			continue
		}
		m, err := message(l, dir, o)
		if err != nil {
			return nil, fmt.Errorf("send %s (dry run): %w", o.Period, err)
		}
		name := filepath.Join(pdir, fmt.Sprintf("%d.eml", l.r.RepairerID))
		if _, err := atomicfile.Write(name, func(w io.Writer) error { _, err := m.WriteTo(w); return err }); err != nil {
			return nil, fmt.Errorf("send %s (dry run): %w", o.Period, err)
		}
		res.Previewed++
		o.Progress.Add(1)
	}
	res.PreviewDir = pdir
	o.Log.Info("dry run: messages written, nothing sent", "period", o.Period.String(), "messages", res.Previewed, "dir", pdir)
	return res, nil
}

// sender is the sending loop of one run.
type sender struct {
	db    Ledger
	o     Options
	dir   string
	res   *Result
	limit *limiter
	t     *transport
}

// planChunk is how many send log rows one transaction writes when a run plans its messages.
const planChunk = 500

// plan gives each letter its row of the send log, the one an earlier run left when there is
// one, and writes every row not accepted yet as pending (a row a crash left sending stays
// sending until it is tried), in transactions of planChunk rows, so that the log lists the whole
// run before it begins.
func (s *sender) plan(ctx context.Context, letters []*letter) error {
	log, err := s.db.SendLog(ctx, s.o.Period)
	if err != nil {
		return err
	}
	prev := make(map[int64]store.SendEntry, len(log))
	for _, e := range log {
		prev[e.RepairerID] = e
	}
	log = nil
	now := s.o.Now().UTC()
	var batch []store.SendEntry
	for _, l := range letters {
		if l == nil {
			continue
		}
		e, ok := prev[l.r.RepairerID]
		switch {
		case ok && e.State == store.SendAccepted:
			l.e = e
			continue
		case ok:
			if e.Documents != l.e.Documents { // the documents changed (rendered again): a new message
				e.MessageID = l.e.MessageID
			}
			e.Address, e.Documents, e.UpdatedAt = l.e.Address, l.e.Documents, now
			if e.State != store.SendSending {
				e.State = store.SendPending
			}
		default:
			e = l.e
			e.State, e.CreatedAt, e.UpdatedAt = store.SendPending, now, now
		}
		l.e = e
		if batch = append(batch, e); len(batch) == planChunk {
			if err := s.db.SaveSendEntries(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return s.db.SaveSendEntries(ctx, batch)
}

// run sends every letter not accepted yet, in repairer order, and emits every repairer's line
// of the report. It returns an error only for what stops the whole run (the connection cannot
// be opened, the log cannot be written, ctx is done); a message that fails is counted and
// listed, and once the run is stopped the remaining messages are listed as not tried.
func (s *sender) run(ctx context.Context, rs []store.SendRecipient, letters []*letter, emit func(Line) error) error {
	var stop error
	toSend := 0
	for _, l := range letters {
		if l != nil && l.e.State != store.SendAccepted {
			toSend++
		}
	}
	s.o.Progress.Stage("send", toSend)
	for i := range rs {
		l := letters[i]
		if l == nil {
			r := &rs[i]
			_, why := checkAddress(r.Email)
			line := Line{RepairerID: r.RepairerID, Name: r.Name, Domain: domainOf(r.Email), State: why,
				Documents: joinNumbers(r.Documents), Answer: why}
			s.res.Lines = append(s.res.Lines, line)
			if err := emit(line); err != nil {
				return err
			}
			continue
		}
		e := &l.e
		thisRun := false
		if e.State == store.SendAccepted {
			s.res.Already++
		} else {
			if stop == nil {
				stop = s.deliver(ctx, l)
				s.o.Progress.Add(1)
			}
			if thisRun = e.State == store.SendAccepted; thisRun {
				s.res.Sent++
			} else {
				s.res.Failed++
			}
		}
		line := s.line(l, e, thisRun)
		if e.State != store.SendAccepted {
			s.res.Lines = append(s.res.Lines, line)
		}
		if err := emit(line); err != nil {
			return errors.Join(stop, err)
		}
	}
	if s.t != nil {
		s.t.close()
	}
	return stop
}

func (s *sender) line(l *letter, e *store.SendEntry, thisRun bool) Line {
	when := e.AcceptedAt
	if when.IsZero() {
		when = e.SendingAt
	}
	answer := e.LastAnswer
	if e.State == store.SendPending && e.LastAnswer == "" {
		answer = "non envoyé : l'envoi s'est arrêté avant ce message"
	}
	return Line{RepairerID: l.r.RepairerID, Name: l.r.Name, Address: e.Address, Domain: domainOf(e.Address),
		Documents: e.Documents, State: e.State, Attempts: e.Attempts, When: when, Answer: answer, MessageID: e.MessageID, ThisRun: thisRun}
}

// deliver sends one letter, with its retries, and keeps the log up to date. It returns an error
// that stops the run.
func (s *sender) deliver(ctx context.Context, l *letter) error {
	e := &l.e
	log := s.o.Log.With("period", s.o.Period.String(), "repairer_id", l.r.RepairerID, "domain", domainOf(e.Address), "message_id", e.MessageID)
	if s.t == nil {
		t, err := newTransport(s.o.Server, s.o.Password, s.o.RootCAs, s.o.Timeout)
		if err != nil {
			return err
		}
		s.t = t
	}
	dialFailures := 0
	for attempt := 1; attempt <= s.o.MaxAttempts; attempt++ {
		if attempt > 1 {
			wait := backoff(s.o.Backoff, attempt-1)
			log.Info("retrying", "attempt", attempt, "wait_ms", wait.Milliseconds())
			if err := sleep(ctx, wait); err != nil {
				return err
			}
		}
		if err := s.limit.wait(ctx); err != nil {
			return err
		}
		if err := s.t.dial(ctx); err != nil {
			msg := scrub(oneLine(err.Error()), s.o.Password)
			if code := dialCode(err); code >= 500 {
				// Refused at connection or authentication: no message can go; stop the run.
				return fmt.Errorf("SMTP server %s: %s", s.o.Server, msg)
			}
			e.State, e.LastAnswer, e.UpdatedAt = store.SendFailedTemporary, msg, s.o.Now().UTC()
			e.Attempts++
			if err := s.db.SaveSendEntry(ctx, *e); err != nil {
				return err
			}
			log.Warn("cannot connect", "attempt", attempt, "error", msg)
			if dialFailures++; dialFailures == s.o.MaxAttempts {
				// Every attempt failed before a message could start: the server is out of reach
				// (or its certificate is not trusted); the next messages would fare no better.
				return fmt.Errorf("SMTP server %s: %d attempts to connect failed: %s", s.o.Server, dialFailures, msg)
			}
			continue
		}
		m, err := message(l, s.dir, s.o)
		if err != nil {
			return err
		}
		// 'sending' is committed before MAIL FROM: a crash from here on leaves it 'sending', and
		// the rerun sends it again (same Message-ID).
		now := s.o.Now().UTC()
		e.State, e.SendingAt, e.UpdatedAt = store.SendSending, now, now
		e.Attempts++
		if err := s.db.SaveSendEntry(ctx, *e); err != nil {
			return err
		}
		out := s.t.send(m)
		if out.dropped {
			s.t.close()
		}
		now = s.o.Now().UTC()
		e.LastAnswer, e.UpdatedAt = redact(out.answer, e.Address), now
		switch {
		case out.accepted:
			e.State, e.AcceptedAt = store.SendAccepted, now
		case out.permanent:
			e.State = store.SendFailedPermanent
		default:
			e.State = store.SendFailedTemporary
		}
		// The log's write must not be lost to a signal that arrives now: the server has the message.
		if err := s.db.SaveSendEntry(context.WithoutCancel(ctx), *e); err != nil {
			return err
		}
		switch e.State {
		case store.SendAccepted:
			log.Info("message accepted", "attempts", e.Attempts, "documents", len(l.files))
			return nil
		case store.SendFailedPermanent:
			log.Warn("message refused (permanent)", "answer", e.LastAnswer)
			return nil
		}
		log.Warn("message not accepted (temporary)", "attempt", attempt, "answer", e.LastAnswer)
	}
	return nil
}

// redact replaces the address in a server's answer by its domain, so that the answer may be
// logged; the log's address column and the report say to whom.
func redact(answer, addr string) string {
	if addr == "" {
		return answer
	}
	return strings.ReplaceAll(answer, addr, "…@"+domainOf(addr))
}

// scrub removes the password from a message (go-mail never prints it; this is a second lock).
func scrub(msg, password string) string {
	if password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, password, "***")
}
