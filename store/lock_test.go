package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"savbilling/internal/dbtest"
	"savbilling/store"
)

// While one run is inside WithCloseLock, another (a second pool on the same database, as another
// process would have) gets ErrLocked once its wait is over, and gets the lock once it is released.
func TestCloseLock(t *testing.T) {
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		other := dbtest.Open(t, e)

		inside := make(chan struct{})
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.WithCloseLock(ctx, 0, func(ctx context.Context, tx *store.Tx) error {
				close(inside)
				<-release
				return nil
			})
		}()
		<-inside

		for _, wait := range []time.Duration{0, 100 * time.Millisecond} {
			start := time.Now()
			err := other.WithCloseLock(ctx, wait, func(context.Context, *store.Tx) error {
				t.Error("fn ran while another run held the lock")
				return nil
			})
			if !errors.Is(err, store.ErrLocked) {
				t.Errorf("wait %v: WithCloseLock = %v, want ErrLocked", wait, err)
			}
			if el := time.Since(start); el > wait+3*time.Second {
				t.Errorf("wait %v: gave up after %v", wait, el)
			}
		}
		// The same pool is locked out too.
		if err := db.WithCloseLock(ctx, 0, func(context.Context, *store.Tx) error { return nil }); !errors.Is(err, store.ErrLocked) {
			t.Errorf("same pool: WithCloseLock = %v, want ErrLocked", err)
		}

		// A waiter gets the lock when the holder is done.
		go func() {
			time.Sleep(300 * time.Millisecond)
			close(release)
		}()
		ran := false
		if err := other.WithCloseLock(ctx, 10*time.Second, func(context.Context, *store.Tx) error {
			ran = true
			return nil
		}); err != nil || !ran {
			t.Errorf("waiting for the lock: %v, ran %v", err, ran)
		}
		if err := <-done; err != nil {
			t.Errorf("holder: %v", err)
		}
		// Released: both pools can take it again.
		for _, d := range []*store.DB{db, other} {
			if err := d.WithCloseLock(ctx, 0, func(context.Context, *store.Tx) error { return nil }); err != nil {
				t.Errorf("after release: %v", err)
			}
		}
	})
}

// A wait for the close lock longer than the connection's read timeout is not cut by it: the
// wait is taken in slices shorter than the read timeout (MySQL/MariaDB; SQLite has none).
func TestCloseLockWaitOutlastsTheReadTimeout(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		if e.Name != "mysql" {
			continue
		}
		ctx := context.Background()
		holder := dbtest.Open(t, e)
		sep := "?"
		if strings.Contains(e.DB, "?") {
			sep = "&"
		}
		waiter, err := store.Open(ctx, e.DB+sep+"readTimeout=2s")
		if err != nil {
			t.Fatal(err)
		}
		defer waiter.Close()
		inside, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			done <- holder.WithCloseLock(ctx, 0, func(context.Context, *store.Tx) error {
				close(inside)
				<-release
				return nil
			})
		}()
		<-inside
		go func() {
			time.Sleep(5 * time.Second) // longer than the waiter's read timeout
			close(release)
		}()
		ran := false
		if err := waiter.WithCloseLock(ctx, time.Minute, func(context.Context, *store.Tx) error {
			ran = true
			return nil
		}); err != nil || !ran {
			t.Errorf("waiting 5 s for the lock with a read timeout of 2 s: %v, ran %v", err, ran)
		}
		if err := <-done; err != nil {
			t.Errorf("holder: %v", err)
		}
	}
}
