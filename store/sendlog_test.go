package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

// The recipients of a period are the repairers the ledger addresses documents to, each with
// their own documents only, the amounts the message tells, and their current address (the one
// frozen at close when the repairer left the source table).
func TestSendRecipientsGiveEachRepairerTheirOwnDocuments(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, source())
		mustSave(t, db, bookSep())
		mustSave(t, db, bookOct())
		if err := db.Exec(ctx, "UPDATE repairers SET email = ? WHERE id = 1", "nouvelle@example.org"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, "DELETE FROM repairers WHERE id = 3"); err != nil {
			t.Fatal(err)
		}
		got, err := db.SendRecipients(ctx, oct)
		if err != nil {
			t.Fatal(err)
		}
		pay := sb.Date(2026, 11, 16)
		due := sb.Date(2026, 12, 1)
		want := []store.SendRecipient{
			{RepairerID: 1, Name: r1.Name, Email: "nouvelle@example.org", // indemnities take it all: nothing paid
				Statement: &store.SendStatement{Number: "REL-1-2026-0002", PaymentOn: pay, OverflowCents: 7800, SpreadCents: 7800,
					PlanID: "ECH-1-2026-10", PlanMonths: 2},
				Documents: []store.SendDocument{{Kind: "statement", Number: "REL-1-2026-0002"}}},
			{RepairerID: 2, Name: r2.Name, Email: "",
				Statement: &store.SendStatement{Number: "REL-2-2026-0002", PayableCents: 4333, PaymentOn: pay, InvoicedCents: 13333},
				Invoices:  []store.SendInvoice{{Number: "FAC-2026-000001", AmountCents: 16000, DueOn: due}},
				Documents: []store.SendDocument{{Kind: "statement", Number: "REL-2-2026-0002"}, {Kind: "invoice", Number: "FAC-2026-000001"}}},
			{RepairerID: 3, Name: r3.Name, Email: "contact@caroule.fr", // frozen: no longer in the source table
				Statement: &store.SendStatement{Number: "REL-3-2026-0002", PayableCents: 4200, PaymentOn: pay},
				Documents: []store.SendDocument{{Kind: "statement", Number: "REL-3-2026-0002"}}},
			{RepairerID: 4, Name: "Vélo Quatre", // a statement of account and a debit note
				Statement:  &store.SendStatement{Number: "RDC-4-2026-10", PaymentOn: pay, OverflowCents: 2500, InvoicedCents: 2500},
				DebitNotes: []store.SendInvoice{{Number: "NDD-2026-000001", AmountCents: 2500, DueOn: due}},
				Documents: []store.SendDocument{{Kind: "statement", Number: "RDC-4-2026-10"},
					{Kind: "debit-note", Number: "NDD-2026-000001"}}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("SendRecipients(%s) (-want +got):\n%s", oct, diff)
		}
		if _, err := db.SendRecipients(ctx, sb.MustPeriod("2026-11")); !errors.Is(err, store.ErrNotClosed) {
			t.Errorf("SendRecipients of an open period = %v, want ErrNotClosed", err)
		}
	})
}

// A send log row is written, replaced and read back whole; its states are the five of the docs.
func TestSendLogRoundTrip(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustSave(t, db, bookSep())
		t0 := utc(2026, 10, 2, 8, 0, 0)
		e := store.SendEntry{Period: sep, RepairerID: 3, MessageID: "<2026-09.REL-3-2026-0001@example.fr>",
			Address: "contact@caroule.fr", Documents: "REL-3-2026-0001", State: store.SendPending, CreatedAt: t0, UpdatedAt: t0}
		if err := db.SaveSendEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
		other := e
		other.RepairerID, other.MessageID = 1, "<2026-09.REL-1-2026-0001@example.fr>"
		if err := db.SaveSendEntry(ctx, other); err != nil {
			t.Fatal(err)
		}
		e.State, e.Attempts, e.SendingAt, e.UpdatedAt = store.SendSending, 1, t0.Add(time.Second), t0.Add(time.Second)
		if err := db.SaveSendEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
		e.State, e.LastAnswer, e.AcceptedAt, e.UpdatedAt = store.SendAccepted, "250 2.0.0 Ok: queued as X", t0.Add(2*time.Second), t0.Add(2*time.Second)
		if err := db.SaveSendEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
		got, err := db.SendLog(ctx, sep)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]store.SendEntry{other, e}, got); diff != "" {
			t.Errorf("SendLog (-want +got):\n%s", diff)
		}
		if err := db.SaveSendEntry(ctx, store.SendEntry{Period: sep, RepairerID: 1}); err == nil {
			t.Error("SaveSendEntry without Message-ID and state succeeded")
		}
	})
}

// One run at a time sends a period: a second pool (another process) gets ErrLocked until the
// first releases; another period is not locked.
func TestSendLockIsPerPeriod(t *testing.T) {
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		other := dbtest.Open(t, e)
		release, err := db.LockSend(ctx, sep)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.LockSend(ctx, sep); !errors.Is(err, store.ErrLocked) || !errors.Is(err, store.ErrSendLocked) {
			t.Errorf("second LockSend = %v, want ErrSendLocked (ErrLocked)", err)
		}
		rel2, err := other.LockSend(ctx, oct)
		if err != nil {
			t.Errorf("LockSend of another period = %v", err)
		} else {
			rel2()
		}
		release()
		rel3, err := other.LockSend(ctx, sep)
		if err != nil {
			t.Fatalf("LockSend after release = %v", err)
		}
		rel3()
	})
}
