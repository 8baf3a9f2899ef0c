package store

// The send log of `savbilling send` (package delivery, docs/delivery.md): who gets which
// documents of a closed period, and what became of each message (table sb_send_log, migration
// 30). The lock that keeps two sends of one period apart is in sendlock_*.go.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	sb "savbilling"
)

// The states of a message in the send log.
const (
	SendPending         = "pending"          // to send
	SendSending         = "sending"          // written before the SMTP transaction: the server may have it
	SendAccepted        = "accepted"         // the server accepted it (250 after DATA)
	SendFailedTemporary = "failed-temporary" // 4xx or connection errors, retries exhausted
	SendFailedPermanent = "failed-permanent" // 5xx: refused for that address
)

// ErrSendLocked is returned (wrapped) by LockSend when another run is sending the period. It
// wraps ErrLocked: the command exits 3.
var ErrSendLocked = fmt.Errorf("another run is sending this period: %w", ErrLocked)

// SendDocument is one document of a period that the ledger addresses to a repairer: its number
// is the base name of its file (REL-12-2026-0003 → statements/REL-12-2026-0003.pdf).
type SendDocument struct {
	Kind   string // "statement" (REL- or RDC-), "invoice", "debit-note"
	Number string
}

// sendDocumentTables are the ledger tables whose rows are documents addressed to one repairer,
// with the columns number, repairer_id and period. A new kind of document (debit notes…) is
// one more line here.
var sendDocumentTables = []struct{ kind, table string }{
	{"statement", "sb_statements"}, // self-billed statements (REL-) and statements of account (RDC-)
	{"invoice", "sb_invoices"},
	{"debit-note", "sb_debit_notes"},
}

// SendStatement is what a message says of a repairer's statement.
type SendStatement struct {
	Number        string
	PayableCents  int64     // what the network pays the repairer: the « Net à payer »
	PaymentOn     time.Time // when
	OverflowCents int64     // SAV charges above the commissions
	SpreadCents   int64     // …put on an installment plan
	PlanID        string    // that plan, when SpreadCents > 0
	PlanMonths    int       // its number of installments
	InvoicedCents int64     // …invoiced (HT)
}

// SendInvoice is what a message says of an invoice or a debit note to the repairer.
type SendInvoice struct {
	Number      string
	AmountCents int64 // owed by the repairer: an invoice's TTC, a debit note's indemnity (outside VAT)
	DueOn       time.Time
}

// SendRecipient is a repairer with documents in a closed period: who they are, the address to
// write to, and what the ledger addresses to them.
type SendRecipient struct {
	RepairerID int64
	Name       string
	// Email is the repairer's current address (the repairers table), or the one frozen in the
	// ledger at close when the repairer is no longer in the source table. "" when none.
	Email      string
	Statement  *SendStatement // nil when the repairer has no statement this period
	Invoices   []SendInvoice
	DebitNotes []SendInvoice
	Documents  []SendDocument // in number order
}

// SendEntry is one row of the send log: the message of one repairer for one period.
type SendEntry struct {
	Period     sb.Period
	RepairerID int64
	MessageID  string // "<…@…>"
	Address    string
	Documents  string // the document numbers attached, space-separated
	State      string // SendPending…
	Attempts   int
	LastAnswer string // the server's last answer, or the connection error
	CreatedAt  time.Time
	UpdatedAt  time.Time
	SendingAt  time.Time // when the last SMTP transaction began (zero: never)
	AcceptedAt time.Time // when the server accepted it (zero: not yet)
}

// SendRecipients returns the repairers to whom closed period p addresses documents, by
// repairer id, each with those documents and what the message says of them. It fails wrapping
// ErrNotClosed when p is not closed.
func (d *DB) SendRecipients(ctx context.Context, p sb.Period) ([]SendRecipient, error) {
	var out []SendRecipient
	err := d.smallCacheReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		closed, err := tx.IsClosed(ctx, p)
		if err != nil {
			return err
		}
		if !closed {
			return fmt.Errorf("%s: %w", p, ErrNotClosed)
		}
		out, err = tx.sendRecipients(ctx, p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the recipients of %s: %w", p, err)
	}
	return out, nil
}

// sendCacheKiB is the SQLite page cache of the connections a send reads and writes with. A send
// reads the period's statements and invoices once and writes its log a row at a time, which a
// larger cache does not speed up; SQLite's default (2 MB) filled by them was a tenth of a send's
// peak RSS at 2 000 repairers (scripts/send-bench.sh).
const sendCacheKiB = 256

// sendConn runs fn on a connection of its own; on SQLite its page cache is kept to sendCacheKiB
// during fn, and set back to the default afterwards.
func (d *DB) sendConn(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", d.redacted, err)
	}
	defer conn.Close()
	return d.dialect.sendConn(ctx, conn, fn)
}

// smallCacheReadTx is ReadTx on a connection of sendConn.
func (d *DB) smallCacheReadTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return d.sendConn(ctx, func(conn *sql.Conn) error {
		sqlTx, err := conn.BeginTx(ctx, d.dialect.txOptions(true))
		if err != nil {
			return fmt.Errorf("begin a read transaction on %s: %w", d.redacted, err)
		}
		defer sqlTx.Rollback()
		return fn(ctx, &Tx{d: d, tx: sqlTx})
	})
}

func (tx *Tx) sendRecipients(ctx context.Context, p sb.Period) ([]SendRecipient, error) {
	rs := &recipients{byID: map[int64]*SendRecipient{}, frozen: map[int64]string{}}
	period := p.String()
	for _, step := range []func(context.Context, *recipients, string) error{
		tx.sendDocuments, tx.sendStatements, tx.sendInvoices,
	} {
		if err := step(ctx, rs, period); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(rs.byID))
	for id := range rs.byID {
		ids = append(ids, id)
	}
	current, err := tx.currentEmails(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]SendRecipient, 0, len(rs.byID))
	for _, id := range sortedIDs(ids) {
		r := rs.byID[id]
		if e, ok := current[id]; ok {
			r.Email = e
		} else {
			r.Email = rs.frozen[id]
		}
		out = append(out, *r)
	}
	return out, nil
}

// recipients are the recipients of a period's send as sendRecipients reads them: by repairer
// id, with the address frozen on their documents at close.
type recipients struct {
	byID   map[int64]*SendRecipient
	frozen map[int64]string
}

// get is the recipient of repairer id, added at its first document.
func (rs *recipients) get(id int64) *SendRecipient {
	r := rs.byID[id]
	if r == nil {
		r = &SendRecipient{RepairerID: id}
		rs.byID[id] = r
	}
	return r
}

// sendDocuments reads the numbers of the period's documents of each recipient (sendDocumentTables).
func (tx *Tx) sendDocuments(ctx context.Context, rs *recipients, period string) error {
	for _, t := range sendDocumentTables {
		rows, err := tx.tx.QueryContext(ctx, "SELECT repairer_id, number FROM "+t.table+" WHERE period = ? ORDER BY number", period)
		if err != nil {
			return fmt.Errorf("read %s: %w", t.table, err)
		}
		for rows.Next() {
			var id int64
			var number string
			if err := rows.Scan(&id, &number); err != nil {
				rows.Close()
				return fmt.Errorf("read %s: %w", t.table, err)
			}
			r := rs.get(id)
			r.Documents = append(r.Documents, SendDocument{Kind: t.kind, Number: number})
		}
		if err := closeRows(rows, t.table); err != nil {
			return err
		}
	}
	return nil
}

// sendStatements reads the statements: identity frozen at close, and what the message tells of them.
func (tx *Tx) sendStatements(ctx context.Context, rs *recipients, period string) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT s.repairer_id, s.number, s.name, s.email, s.payable_cents, s.payment_on,
		s.overflow_cents, s.spread_cents, s.invoiced_cents, COALESCE(pl.id, ''), COALESCE(pl.months, 0)
		FROM sb_statements s LEFT JOIN sb_plans pl ON pl.repairer_id = s.repairer_id AND pl.created_period = s.period
		WHERE s.period = ?`, period)
	if err != nil {
		return fmt.Errorf("read sb_statements: %w", err)
	}
	for rows.Next() {
		var st SendStatement
		var id int64
		var name, email string
		var pay nullTime
		if err := rows.Scan(&id, &st.Number, &name, &email, &st.PayableCents, &pay, &st.OverflowCents, &st.SpreadCents,
			&st.InvoicedCents, &st.PlanID, &st.PlanMonths); err != nil {
			rows.Close()
			return fmt.Errorf("read sb_statements: %w", err)
		}
		st.PaymentOn = pay.Time
		r := rs.get(id)
		r.Name, rs.frozen[id], r.Statement = name, email, &st
	}
	return closeRows(rows, "sb_statements")
}

// sendInvoices reads the invoices and debit notes; a recipient without a statement takes its
// name and frozen address from them.
func (tx *Tx) sendInvoices(ctx context.Context, rs *recipients, period string) error {
	for _, t := range []struct {
		table, amount string
		list          func(*SendRecipient) *[]SendInvoice
	}{
		{"sb_invoices", "ttc_cents", func(r *SendRecipient) *[]SendInvoice { return &r.Invoices }},
		{"sb_debit_notes", "ht_cents", func(r *SendRecipient) *[]SendInvoice { return &r.DebitNotes }},
	} {
		rows, err := tx.tx.QueryContext(ctx, "SELECT repairer_id, number, name, email, "+t.amount+", due_on FROM "+t.table+
			" WHERE period = ? ORDER BY number", period)
		if err != nil {
			return fmt.Errorf("read %s: %w", t.table, err)
		}
		for rows.Next() {
			var inv SendInvoice
			var id int64
			var name, email string
			var due nullTime
			if err := rows.Scan(&id, &inv.Number, &name, &email, &inv.AmountCents, &due); err != nil {
				rows.Close()
				return fmt.Errorf("read %s: %w", t.table, err)
			}
			inv.DueOn = due.Time
			r := rs.get(id)
			*t.list(r) = append(*t.list(r), inv)
			if r.Name == "" {
				r.Name = name
			}
			if _, ok := rs.frozen[id]; !ok {
				rs.frozen[id] = email
			}
		}
		if err := closeRows(rows, t.table); err != nil {
			return err
		}
	}
	return nil
}

// currentEmails reads the email column of the repairers in ids from the source table; a
// repairer without a row is absent from the map (NULL reads as "").
func (tx *Tx) currentEmails(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := "SELECT id, email FROM repairers WHERE id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(part)), ",") + ")"
		rows, err := tx.tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("read the repairers' e-mail addresses: %w", err)
		}
		for rows.Next() {
			var id int64
			var email sql.NullString
			if err := rows.Scan(&id, &email); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read the repairers' e-mail addresses: %w", err)
			}
			out[id] = strings.TrimSpace(email.String)
		}
		if err := closeRows(rows, "repairers"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func closeRows(rows *sql.Rows, what string) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

const sendLogCols = `period, repairer_id, message_id, address, documents, state, attempts, last_answer,
	created_at, updated_at, sending_at, accepted_at`

// SendLog returns the send log of period p, by repairer id.
func (d *DB) SendLog(ctx context.Context, p sb.Period) ([]SendEntry, error) {
	var out []SendEntry
	err := d.sendConn(ctx, func(conn *sql.Conn) error {
		var err error
		out, err = readSendLog(ctx, conn, p)
		return err
	})
	return out, err
}

func readSendLog(ctx context.Context, conn *sql.Conn, p sb.Period) ([]SendEntry, error) {
	rows, err := conn.QueryContext(ctx, "SELECT "+sendLogCols+" FROM sb_send_log WHERE period = ? ORDER BY repairer_id", p.String())
	if err != nil {
		return nil, fmt.Errorf("read the send log of %s: %w", p, err)
	}
	defer rows.Close()
	var out []SendEntry
	for rows.Next() {
		var e SendEntry
		var period string
		var created, updated, sending, accepted nullTime
		if err := rows.Scan(&period, &e.RepairerID, &e.MessageID, &e.Address, &e.Documents, &e.State, &e.Attempts,
			&e.LastAnswer, &created, &updated, &sending, &accepted); err != nil {
			return nil, fmt.Errorf("read the send log of %s: %w", p, err)
		}
		if e.Period, err = sb.ParsePeriod(period); err != nil {
			return nil, fmt.Errorf("sb_send_log: %w", err)
		}
		e.CreatedAt, e.UpdatedAt, e.SendingAt, e.AcceptedAt = created.Time, updated.Time, sending.Time, accepted.Time
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the send log of %s: %w", p, err)
	}
	return out, nil
}

// SaveSendEntry writes e into the send log, replacing the row of its period and repairer. Each
// call is its own transaction, committed when it returns: a state written before the SMTP
// transaction survives a crash during it.
func (d *DB) SaveSendEntry(ctx context.Context, e SendEntry) error {
	return d.SaveSendEntries(ctx, []SendEntry{e})
}

// SaveSendEntries writes es into the send log in one transaction (SaveSendEntry of each).
func (d *DB) SaveSendEntries(ctx context.Context, es []SendEntry) error {
	if len(es) == 0 {
		return nil
	}
	q := "INSERT INTO sb_send_log (" + sendLogCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	set := []string{"message_id", "address", "documents", "state", "attempts", "last_answer", "updated_at", "sending_at", "accepted_at"}
	q = d.dialect.upsert(q, []string{"period", "repairer_id"}, set)
	return d.sendConn(ctx, func(conn *sql.Conn) error { return d.saveSendEntries(ctx, conn, q, es) })
}

func (d *DB) saveSendEntries(ctx context.Context, conn *sql.Conn, q string, es []SendEntry) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save the send log: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("save the send log: %w", err)
	}
	defer stmt.Close()
	for _, e := range es {
		if e.Period.IsZero() || e.RepairerID == 0 || e.MessageID == "" || e.State == "" {
			return errors.New("save send entry: period, repairer, Message-ID and state are required")
		}
		answer := e.LastAnswer
		if len(answer) > 1000 { // the column's size; answers are ASCII, but never cut a character
			answer = strings.ToValidUTF8(answer[:1000], "")
		}
		if _, err := stmt.ExecContext(ctx, e.Period.String(), e.RepairerID, e.MessageID, e.Address, e.Documents, e.State,
			e.Attempts, answer, sqlTime(e.CreatedAt), sqlTime(e.UpdatedAt), sqlTime(e.SendingAt), sqlTime(e.AcceptedAt)); err != nil {
			return fmt.Errorf("save the send log of repairer %d, %s: %w", e.RepairerID, e.Period, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save the send log: commit: %w", err)
	}
	return nil
}

// sendLockPrefix names the MySQL user-level lock of a period's send.
const sendLockPrefix = "savbilling.send."

// LockSend takes the send lock of period p without waiting and returns its release: at most one
// run sends a period at a time. It fails wrapping ErrSendLocked (so ErrLocked) when another run
// holds it. The lock dies with the process that holds it.
//
// MySQL: a user-level lock GET_LOCK('savbilling.send.YYYY-MM.<database>') held by a dedicated
// connection. SQLite: an flock on the file PATH.send-YYYY-MM.lock next to the database.
func (d *DB) LockSend(ctx context.Context, p sb.Period) (release func(), err error) {
	return d.dialect.lockSend(ctx, d, p)
}
