package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"
)

// migrations holds the schema, one folder per dialect with the same logical content:
//
//	00001_source.sql   the source tables of docs/contract.md, created only when missing
//	00002 (Go)         their indexes, created only on base tables (not on an operator's views)
//	00003_ledger.sql   the job's ledger tables, prefixed sb_
//	00004 (Go)         the covering index of the operations that the close sums, on base tables
//	00009_rules_v2.sql the rules of 2026-12: rules version per period, indemnities, debit notes
//	00020_identity_and_notes.sql  the repairers' optional identity columns on sb_statements and
//	                   sb_invoices, the decision's note on sb_sav_lines
//	00021 (Go)         the optional columns of repairers (docs/contract.md), added to the
//	                   repairers table that migration 1 created (see repairerOptional)
//	00022_debit_note_identity.sql  the same optional identity columns on sb_debit_notes
//	00040_einvoice_version.sql  sb_periods.einvoice_version: 1 when the period's REL- and FAC-
//	                   are Factur-X e-invoices (issue 21), 0 for the periods closed before
//	00050_fec_numbers.sql  the accounting file's numbering per period and journal (issue 23)
//	00060_sav_line_explained.sql   what a SAV line needs to explain itself (days, original's
//	                   city, the decision before an adjustment, the earlier statement)
//	00070_lookback.sql the look-back's fingerprints of the source months and the ids tracked
//	                   from one close to the next (issue 24)
//	00071 (Go)         the indexes of the look-back on the source tables' time columns, on base
//	                   tables (see timeIndexes)
//	00080_commission_services.sql  sb_commissions.services, the labels of the line's operations
//	                   (reconcile.Services), '' for the lines booked before
//	00081 (Go)         migration 4's index of the operations with their label, which replaces
//	                   it, on base tables (see servicesIndexes)
//
//go:embed migrations/sqlite/*.sql migrations/mysql/*.sql
var migrations embed.FS

// versionTable is goose's bookkeeping table; prefixed so as not to clash with a marketplace's own
// goose_db_version when the job shares its database.
const versionTable = "sb_schema_version"

// sourceIndexes are the indexes of the source tables that the close's queries rely on.
var sourceIndexes = []sourceIndex{
	{"interventions_status_closed", "interventions", "status, closed_at"},
	{"interventions_kind_status_closed", "interventions", "kind, status, closed_at"},
	{"intervention_operations_intervention", "intervention_operations", "intervention_id"},
	{"client_credits_intervention", "client_credits", "intervention_id"},
	{"sav_decisions_decided", "sav_decisions", "decided_at"},
}

// amountIndexes (migration 4) let the close sum the operations of each intervention from the
// index alone (store.Tx.LoadSummedCloseInput), without reading the table's rows.
var amountIndexes = []sourceIndex{
	{"intervention_operations_amounts", "intervention_operations", "intervention_id, commission_cents, price_cents"},
}

// servicesIndexes (migration 81) let the close read each intervention's operations with their
// labels (the services of its line, migration 80) from the index alone, as migration 4's index
// did before the labels; it replaces that index, its prefix (replaceServicesIndex).
var servicesIndexes = []sourceIndex{
	{"intervention_operations_services", "intervention_operations", "intervention_id, commission_cents, price_cents, label"},
}

// timeIndexes (migration 71) let the close read a month of the source tables and fingerprint
// it from an index range alone (lookback.go); sav_decisions (decided_at) has one since migration 2.
var timeIndexes = []sourceIndex{
	{"interventions_closed", "interventions", "closed_at"},
	{"client_credits_granted", "client_credits", "granted_at"},
}

// sourceIndex is an index of a source table.
type sourceIndex struct{ name, table, cols string }

// Migrate brings the schema up to date: the source tables when missing, their indexes, and the
// ledger tables. It is idempotent and safe to run at every start.
func (d *DB) Migrate(ctx context.Context) error { return d.migrateTo(ctx, 0) }

// migrateTo applies the migrations up to version (0: all of them).
func (d *DB) migrateTo(ctx context.Context, version int64) error {
	p, err := d.provider()
	if err != nil {
		return fmt.Errorf("migrate %s: %w", d.redacted, err)
	}
	if version > 0 {
		_, err = p.UpTo(ctx, version)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrate %s: %w", d.redacted, err)
	}
	return nil
}

// provider is the goose provider of d's migrations (it touches the database only when run).
func (d *DB) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+d.dialect.name())
	if err != nil {
		return nil, err
	}
	indexes := goose.NewGoMigration(2,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return d.createSourceIndexes(ctx, tx, sourceIndexes) }},
		&goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
	amounts := goose.NewGoMigration(4,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return d.createSourceIndexes(ctx, tx, amountIndexes) }},
		&goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
	optional := goose.NewGoMigration(21,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return d.addRepairerOptional(ctx, tx) }},
		&goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
	times := goose.NewGoMigration(71,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return d.createSourceIndexes(ctx, tx, timeIndexes) }},
		&goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
	services := goose.NewGoMigration(81,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return d.replaceServicesIndex(ctx, tx) }},
		&goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithTableName(versionTable),
		goose.WithGoMigrations(indexes, amounts, optional, times, services),
		// A migration numbered below the database's version but never applied is applied: the
		// migrations of features developed side by side (8, 9, 20–22, 30…) are independent of
		// each other, and a database migrated by a build that had only some of them gets the rest.
		goose.WithAllowOutofOrder(true),
	}
	opts = append(opts, d.dialect.migrationOptions(d)...)
	return goose.NewProvider(d.dialect.gooseDialect(), d.db, fsys, opts...)
}

// createSourceIndexes creates the missing indexes of the list on the source tables that are
// base tables.
func (d *DB) createSourceIndexes(ctx context.Context, tx *sql.Tx, list []sourceIndex) error {
	for _, ix := range list {
		kind, err := d.dialect.tableKind(ctx, tx, ix.table)
		if err != nil {
			return fmt.Errorf("inspect %s: %w", ix.table, err)
		}
		if kind != "table" {
			continue // a view (or nothing): indexes are the operator's business
		}
		ok, err := d.dialect.indexExists(ctx, tx, ix.table, ix.name)
		if err != nil {
			return fmt.Errorf("inspect index %s: %w", ix.name, err)
		}
		if ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, "CREATE INDEX "+ix.name+" ON "+ix.table+" ("+ix.cols+")"); err != nil {
			return fmt.Errorf("create index %s: %w", ix.name, err)
		}
	}
	return nil
}

// replaceServicesIndex creates servicesIndexes on the operations' base table, then drops
// migration 4's index, which is its prefix. A table whose label cannot be indexed whole (an old
// row format limits a key's column to 767 bytes, MySQL error 1071; an operator's TEXT column,
// 1170) keeps migration 4's index, with a warning, and the close reads each operation's row for
// its label, as it did since migration 80.
func (d *DB) replaceServicesIndex(ctx context.Context, tx *sql.Tx) error {
	err := d.createSourceIndexes(ctx, tx, servicesIndexes)
	if isUnindexable(err) {
		slog.Warn("the operations' labels cannot be indexed: the close reads each operation's row for its label",
			"index", servicesIndexes[0].name, "error", err)
		return nil
	}
	if err != nil {
		return err
	}
	ix, old := servicesIndexes[0], amountIndexes[0]
	ok, err := d.dialect.indexExists(ctx, tx, ix.table, ix.name)
	if err != nil || !ok { // a view: nothing was created, nothing is dropped
		return err
	}
	if ok, err = d.dialect.indexExists(ctx, tx, old.table, old.name); err != nil || !ok {
		return err
	}
	if _, err := tx.ExecContext(ctx, d.dialect.dropIndex(old.table, old.name)); err != nil {
		return fmt.Errorf("drop index %s (replaced by %s): %w", old.name, ix.name, err)
	}
	return nil
}

// repairerContract are the columns of repairers that migration 1 creates, and repairerOptional
// the optional ones of docs/contract.md (added 2026-12) with their types.
var (
	repairerContract = []string{"id", "name", "email", "address", "siret", "vat_number", "vat_regime",
		"rc_pro_deductible_cents", "active"}
	repairerOptional = []struct{ name, typ string }{
		{"postcode", "VARCHAR(10)"}, {"city", "VARCHAR(80)"}, {"country_code", "CHAR(2)"},
		{"legal_form", "VARCHAR(200)"}, {"iban", "VARCHAR(34)"}, {"bic", "VARCHAR(11)"}, {"vat_on_debits", "INT"},
	}
)

// addRepairerOptional adds the optional columns to the repairers table when the job created it
// (migration 1): a base table with exactly the contract's columns. An operator's view, or a
// table of their own with other columns, is left alone: the close reads whichever optional
// columns it has (Tx.repairerColumns).
func (d *DB) addRepairerOptional(ctx context.Context, tx *sql.Tx) error {
	kind, err := d.dialect.tableKind(ctx, tx, "repairers")
	if err != nil || kind != "table" {
		return err
	}
	cols, err := columnsOf(ctx, tx, "repairers")
	if err != nil {
		return err
	}
	if !slices.Equal(cols, repairerContract) {
		return nil
	}
	for _, c := range repairerOptional {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE repairers ADD COLUMN "+c.name+" "+c.typ); err != nil {
			return fmt.Errorf("add repairers.%s: %w", c.name, err)
		}
	}
	return nil
}

// columnsOf lists the columns of a table or view, in lower case and in order, on either engine.
func columnsOf(ctx context.Context, q querier, name string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT * FROM "+name+" WHERE 1 = 0")
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", name, err)
	}
	for i := range cols {
		cols[i] = strings.ToLower(cols[i])
	}
	return cols, rows.Close()
}
