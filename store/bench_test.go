package store_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/sample"
	"savbilling/store"
)

// errRollback ends a benchmark's close transaction without committing it.
var errRollback = errors.New("rollback")

// benchDB is a database of every engine with synthetic S-like months ending with benchPeriod
// (2 000 repairers, 100 000 interventions, ~250 000 operations each; sample.Network), not closed.
func benchDB(b *testing.B, e dbtest.Engine, months int) *store.DB {
	b.Helper()
	db := dbtest.Open(b, e)
	err := sample.Network(sample.Options{Repairers: 2000, Interventions: 100000, Months: months, Seed: 1, Last: benchPeriod},
		func(_ sb.Period, src sb.Source) error {
			return db.InsertSource(context.Background(), src)
		})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

var benchPeriod = sb.MustPeriod("2026-08")

// benchInput is the close input of period p, to be loaded.
func benchInput(p sb.Period) *sb.CloseInput {
	return &sb.CloseInput{Period: p, Start: p.Start(sb.Paris), End: p.End(sb.Paris),
		ClosedAt: p.End(sb.Paris).Add(30 * time.Hour), Rules: sb.DefaultRules(), Issuer: issuer}
}

// BenchmarkLoadCloseInput reads the close of an S-like month: every intervention with its
// operations (LoadCloseInput, a dry run), or summed and booked in the database
// (LoadSummedCloseInput, a close; rolled back after each run). On MySQL/MariaDB, summed-insert
// inserts the summed lines instead of loading them.
func BenchmarkLoadCloseInput(b *testing.B) {
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := benchDB(b, e, 1)
			ctx := context.Background()
			b.Run("listed", func(b *testing.B) {
				for b.Loop() {
					err := db.ReadTx(ctx, func(ctx context.Context, tx *store.Tx) error { return tx.LoadCloseInput(ctx, benchInput(benchPeriod)) })
					if err != nil {
						b.Fatal(err)
					}
				}
			})
			summed := func(b *testing.B) {
				for b.Loop() {
					err := db.WithCloseLock(ctx, time.Minute, func(ctx context.Context, tx *store.Tx) error {
						if err := tx.LoadSummedCloseInput(ctx, benchInput(benchPeriod)); err != nil {
							return err
						}
						if err := tx.Loaded(); err != nil { // the loading, timed
							return err
						}
						return errRollback
					})
					if !errors.Is(err, errRollback) {
						b.Fatal(err)
					}
				}
			}
			b.Run("summed", summed)
			if e.Name == "mysql" { // the lines inserted, as where the server refuses LOAD DATA LOCAL
				b.Run("summed-insert", func(b *testing.B) {
					defer store.SetLoadDataOff(true)()
					summed(b)
				})
			}
		})
	}
}

// benchBook reads in's month in the close's transaction, the store summing its lines, and
// computes its book.
func benchBook(ctx context.Context, tx *store.Tx, in *sb.CloseInput) (*sb.Book, error) {
	if err := tx.LoadSummedCloseInput(ctx, in); err != nil {
		return nil, err
	}
	return reconcile.Close(in)
}

// BenchmarkSaveBook books the S-like month's book (1 980 statements), its summed commission
// lines already booked by LoadSummedCloseInput (not timed); rolled back after each run.
func BenchmarkSaveBook(b *testing.B) {
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := benchDB(b, e, 1)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				err := db.WithCloseLock(ctx, time.Minute, func(ctx context.Context, tx *store.Tx) error {
					book, err := benchBook(ctx, tx, benchInput(benchPeriod))
					if err != nil {
						return err
					}
					b.StartTimer()
					err = tx.SaveBook(ctx, book)
					b.StopTimer()
					if err != nil {
						return err
					}
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkReadBack reads a closed S-like month back for its renderers: the book without its
// statements (LoadBookHead) and every statement with its lines (EachStatement), against LoadBook.
func BenchmarkReadBack(b *testing.B) {
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := benchDB(b, e, 1)
			ctx := context.Background()
			err := db.WithCloseLock(ctx, time.Minute, func(ctx context.Context, tx *store.Tx) error {
				book, err := benchBook(ctx, tx, benchInput(benchPeriod))
				if err != nil {
					return err
				}
				return tx.SaveBook(ctx, book)
			})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("LoadBook", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.LoadBook(ctx, benchPeriod); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("head+each", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := db.LoadBookHead(ctx, benchPeriod); err != nil {
						b.Fatal(err)
					}
					if err := db.EachStatement(ctx, benchPeriod, store.LinesListed, func(*sb.Statement) error { return nil }); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkLoadCloseInputAfterHistory is BenchmarkLoadCloseInput's summed close of an S-like
// month after such months closed (two, or SAVBILLING_BENCH_HISTORY): the read looks at the
// history only where it moved (docs/rules.md, "The look-back"), so its cost should not grow
// with it.
func BenchmarkLoadCloseInputAfterHistory(b *testing.B) {
	history := 2
	if v, err := strconv.Atoi(os.Getenv("SAVBILLING_BENCH_HISTORY")); err == nil && v > 0 {
		history = v
	}
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := benchDB(b, e, history+1)
			ctx := context.Background()
			first := benchPeriod.AddMonths(-history)
			for p := first; p != benchPeriod; p = p.Next() {
				err := db.WithCloseLock(ctx, time.Minute, func(ctx context.Context, tx *store.Tx) error {
					in := benchInput(p)
					if p != first {
						in.LastClosed = p.Prev()
					}
					book, err := benchBook(ctx, tx, in)
					if err != nil {
						return err
					}
					return tx.SaveBook(ctx, book)
				})
				if err != nil {
					b.Fatalf("close %s: %v", p, err)
				}
			}
			for b.Loop() {
				err := db.WithCloseLock(ctx, time.Minute, func(ctx context.Context, tx *store.Tx) error {
					in := benchInput(benchPeriod)
					in.LastClosed = benchPeriod.Prev()
					if err := tx.LoadSummedCloseInput(ctx, in); err != nil {
						return err
					}
					if err := tx.Loaded(); err != nil { // the loading, timed
						return err
					}
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					b.Fatal(err)
				}
			}
		})
	}
}
