package main

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

// auditBin runs the binary in a clean folder with env and returns its exit code and output.
func auditBin(t *testing.T, now time.Time, env []string, args ...string) (int, string, string) {
	t.Helper()
	r := runBin(t, t.TempDir(), now, env, args...)
	return r.code, r.stdout, r.stderr
}

// commissionOf returns the period and late mark of intervention id in sb_commissions, through
// database/sql alone; "" when it is not booked.
func commissionOf(t *testing.T, e dbtest.Engine, id int64) (string, int) {
	t.Helper()
	db := rawDB(t, e)
	defer db.Close()
	var (
		period string
		late   int
	)
	err := db.QueryRow("SELECT period, late FROM sb_commissions WHERE intervention_id = ?", id).Scan(&period, &late)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return period, late
}

// TestAuditFindsALateArrivalOlderThanTheLookBackAndTheNextCloseBooksIt is the end-to-end
// guarantee of domain rule 1 (docs/rules.md, "The audit"): an intervention closed in October
// 2024, 25 months before the open period (November 2026) and so older than the close's look-back
// of 24 months, entered after the months before November were closed, is found by
// `savbilling audit`, listed in sb_source_pending, and booked by the next close, marked late.
// Through the real binary: exit codes and output.
func TestAuditFindsALateArrivalOlderThanTheLookBackAndTheNextCloseBooksIt(t *testing.T) {
	dec2 := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			worked(t, e)
			env := []string{"SAVBILLING_DB=" + e.DB, "SAVBILLING_OUT=" + t.TempDir()}
			steps := func(steps ...[]string) {
				t.Helper()
				for _, s := range steps {
					want, args := s[0], s[1:]
					code, stdout, stderr := auditBin(t, dec2, env, args...)
					if code != exitOK || !strings.Contains(stdout, want) {
						t.Fatalf("savbilling %s: exit %d, want 0 with %q\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, stdout, stderr)
					}
				}
			}
			steps([]string{"no period is closed yet", "audit"},
				[]string{"closed 2026-09", "close", "--period", "2026-09"},
				[]string{"closed 2026-10", "close", "--period", "2026-10"},
				[]string{"nothing found", "audit"})

			db, err := store.Open(context.Background(), e.DB)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			oct2024 := sb.Intervention{ID: 9001, RepairerID: 1, CustomerID: 77, City: "Paris", Kind: sb.KindStandard,
				Status: sb.StatusClosed, ClosedAt: time.Date(2024, 10, 15, 10, 0, 0, 0, time.UTC),
				Operations: []sb.Operation{{ID: 90011, InterventionID: 9001, Label: "Révision", PriceCents: 4000, CommissionCents: 1234}}}
			if err := db.InsertSource(context.Background(), sb.Source{Interventions: []sb.Intervention{oct2024}}); err != nil {
				t.Fatal(err)
			}

			// --since after it: not found, not listed.
			steps([]string{"nothing found", "audit", "--since", "2025-01"})
			if ids, err := db.SourcePending(context.Background(), store.PendingInterventions); err != nil || len(ids) != 0 {
				t.Fatalf("listed after --since 2025-01: %v %v", ids, err)
			}
			code, stdout, stderr := auditBin(t, dec2, env, "audit", "--log-format", "json")
			for _, want := range []string{"audit of the whole history up to the end of 2026-10", "1 found, the oldest of 2024-10",
				"1 newly listed in sb_source_pending", "interventions not booked: 1 (oldest 2024-10), listed as interventions",
				"the next close (2026-11) books them, marked late", "rows scanned: interventions 6, sav_decisions 1, client_credits"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("audit output lacks %q:\n%s", want, stdout)
				}
			}
			if code != exitOK || !strings.Contains(stderr, `"msg":"audit done"`) || !strings.Contains(stderr, `"found_interventions":1`) ||
				!strings.Contains(stderr, `"oldest":"2024-10"`) || !strings.Contains(stderr, `"scanned_interventions":6`) {
				t.Errorf("audit: exit %d, log line:\n%s", code, stderr)
			}
			if ids, err := db.SourcePending(context.Background(), store.PendingInterventions); err != nil || len(ids) != 1 || ids[0] != 9001 {
				t.Fatalf("sb_source_pending interventions: %v %v, want [9001]", ids, err)
			}

			steps([]string{"closed 2026-11", "close", "--period", "2026-11"})
			if period, late := commissionOf(t, e, 9001); period != "2026-11" || late != 1 {
				t.Errorf("intervention 9001 booked in %q, late %d; want 2026-11, late", period, late)
			}
			// Booked: a new audit finds nothing.
			steps([]string{"nothing found", "audit"})
		})
	}
}

// TestAuditBadUsageAndLock: a bad --since is exit 2 naming the flag; a database without the
// job's schema exit 2; another run holding the close lock exit 3.
func TestAuditBadUsageAndLock(t *testing.T) {
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	e := dbtest.Engines(t)[0]
	worked(t, e)
	env := []string{"SAVBILLING_DB=" + e.DB}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit", "--since", "2026-13"}, exitUsage, "--since: "},
		{[]string{"audit", "--since", "last year"}, exitUsage, "--since: "},
		{[]string{"audit", "--db", "sqlite:" + filepath.Join(t.TempDir(), "missing.db")}, exitUsage, "missing.db"},
	} {
		code, stdout, stderr := auditBin(t, now, env, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("savbilling %s: exit %d, want %d with %q\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), code, c.code, c.want, stdout, stderr)
		}
	}

	release := holdCloseLock(t, e)
	code, stdout, stderr := auditBin(t, now, env, "audit")
	release()
	if code != exitLocked || !strings.Contains(stderr, "another run holds the close lock") {
		t.Errorf("audit while a close runs: exit %d, want 3\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}
