package faults

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"

	sb "savbilling"
)

// srow is one source row to insert: its contract table, columns and values (nil is NULL).
type srow struct {
	table string
	cols  []string
	vals  []any
}

// set returns the row with column col set to v (nil: NULL).
func (r srow) set(col string, v any) srow {
	vals := append([]any(nil), r.vals...)
	for i, c := range r.cols {
		if c == col {
			vals[i] = v
			return srow{r.table, r.cols, vals}
		}
	}
	panic("srow.set: no column " + col + " in " + r.table)
}

func rep(id int64, name, regime string) srow {
	return srow{"repairers",
		[]string{"id", "name", "email", "address", "siret", "vat_number", "vat_regime", "rc_pro_deductible_cents", "active"},
		[]any{id, name, fmt.Sprintf("r%d@example.com", id), fmt.Sprintf("%d rue du Test, 75011 Paris", id),
			siret(id), nil, regime, nil, 1}}
}

// siret is a SIRET for repairer id that passes its Luhn key (an invalid one is a warning of the
// repairer at each close, which would crowd these tests' anomalies).
func siret(id int64) string {
	base := fmt.Sprintf("%013d", 3000000000000+id)
	for d := range 10 {
		s := base + strconv.Itoa(d)
		if sb.SIRETChecksumOK(s) {
			return s
		}
	}
	panic("no Luhn key for " + base)
}

func iv(id, repairer int64, kind string, original any, status string, closed any) srow {
	return srow{"interventions",
		[]string{"id", "repairer_id", "customer_id", "city", "kind", "original_intervention_id", "status", "closed_at"},
		[]any{id, repairer, id + 500000, "Paris", kind, original, status, closed}}
}

func op(id, intervention int64, price, commission any, related int) srow {
	return srow{"intervention_operations",
		[]string{"id", "intervention_id", "label", "price_cents", "commission_cents", "sav_related"},
		[]any{id, intervention, fmt.Sprintf("opération %d", id), price, commission, related}}
}

func dec(sav int64, outcome any, bp, faulty, damage, decided any) srow {
	return srow{"sav_decisions",
		[]string{"intervention_id", "outcome", "charge_bp", "faulty_repairer_id", "damage_cents", "decided_at", "decided_by", "note"},
		[]any{sav, outcome, bp, faulty, damage, decided, "support", "note"}}
}

func credit(id, sav int64, amount, granted, reason any) srow {
	return srow{"client_credits",
		[]string{"id", "intervention_id", "amount_cents", "granted_at", "reason"},
		[]any{id, sav, amount, granted, reason}}
}

// work is a closed standard intervention with one operation of the given commission.
func work(id, repairer int64, closed string, commission int64) []srow {
	return []srow{iv(id, repairer, "standard", nil, "closed", closed), op(id*10, id, commission*3/2, commission, 0)}
}

// sav is a closed SAV visit of original with a corrective operation (related) and travel.
func sav(id, repairer int64, original any, closed string, corrective int64) []srow {
	return []srow{iv(id, repairer, "sav", original, "closed", closed),
		op(id*10, id, corrective*3/2, corrective, 1), op(id*10+1, id, 1500, 1000, 1)}
}

func rows(groups ...[]srow) []srow {
	var out []srow
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// lenientTables are permissive tables (every column nullable, text unbounded, no key) under
// views with the contract's names: what an operator's views over the marketplace may give, and
// the only way to feed the job NULLs, duplicates and strings longer than the contract's columns.
var lenientTables = []struct{ table, view, cols string }{
	{"mk_repairers", "repairers", "id BIGINT, name TEXT, email TEXT, address TEXT, siret TEXT, vat_number TEXT, vat_regime TEXT, rc_pro_deductible_cents BIGINT, active BIGINT"},
	{"mk_interventions", "interventions", "id BIGINT, repairer_id BIGINT, customer_id BIGINT, city TEXT, kind TEXT, original_intervention_id BIGINT, status TEXT, closed_at DATETIME"},
	{"mk_operations", "intervention_operations", "id BIGINT, intervention_id BIGINT, label TEXT, price_cents BIGINT, commission_cents BIGINT, sav_related BIGINT"},
	{"mk_decisions", "sav_decisions", "intervention_id BIGINT, outcome TEXT, charge_bp BIGINT, faulty_repairer_id BIGINT, damage_cents BIGINT, decided_at DATETIME, decided_by TEXT, note TEXT"},
	{"mk_credits", "client_credits", "id BIGINT, intervention_id BIGINT, amount_cents BIGINT, granted_at DATETIME, reason TEXT"},
	{"mk_overrides", "overflow_overrides", "repairer_id BIGINT, period TEXT, mode TEXT, months BIGINT"},
}

// lenientDB returns a fresh database of the engine whose source tables are views over lenient
// tables, migrated (the migration leaves views alone).
func lenientDB(t testing.TB, engine string) string {
	t.Helper()
	db := newDB(t, engine)
	raw := rawOpen(t, db)
	for _, l := range lenientTables {
		q := "CREATE TABLE " + l.table + " (" + l.cols + ")"
		if engine == "mysql" {
			// a marketplace's usual default: case-insensitive text
			q += " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
		}
		mustExec(t, raw, q)
		var cols []string
		for _, c := range strings.Split(l.cols, ",") {
			cols = append(cols, strings.Fields(c)[0])
		}
		mustExec(t, raw, "CREATE VIEW "+l.view+" AS SELECT "+strings.Join(cols, ", ")+" FROM "+l.table)
	}
	mustRun(t, trialNow, nil, "migrate", "--db", db)
	return db
}

// insert writes source rows, into the lenient tables when the database has them.
func insert(t testing.TB, raw *sql.DB, lenient bool, rs []srow) {
	t.Helper()
	tables := map[string]string{}
	if lenient {
		for _, l := range lenientTables {
			tables[l.view] = l.table
		}
	}
	for _, r := range rs {
		table := r.table
		if lenient {
			table = tables[r.table]
		}
		q := "INSERT INTO " + table + " (" + strings.Join(r.cols, ", ") + ") VALUES (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(r.cols)), ", ") + ")"
		if _, err := raw.ExecContext(bg, q, r.vals...); err != nil {
			t.Fatalf("insert into %s %v: %v", table, r.vals, err)
		}
	}
}
