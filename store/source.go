package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	sb "savbilling"
)

// InsertSource inserts a whole set of source rows (the sample network, tests) in one transaction,
// with multi-row INSERTs: repairers, interventions, intervention_operations (from each
// Intervention's Operations), sav_decisions, client_credits and overflow_overrides. Zero ids,
// empty strings and zero times of nullable columns are written as NULL (as are a zero charge_bp,
// a zero faulty_repairer_id and a nil deductible); timestamps as UTC "2006-01-02 15:04:05".
func (d *DB) InsertSource(ctx context.Context, src sb.Source) error {
	tx, err := d.db.BeginTx(ctx, d.dialect.txOptions(false))
	if err != nil {
		return fmt.Errorf("insert source rows into %s: %w", d.redacted, err)
	}
	defer tx.Rollback()
	for _, step := range []func(context.Context, *sql.Tx, sb.Source) error{
		insertRepairers, insertInterventions, insertDecisions,
	} {
		if err := step(ctx, tx, src); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("insert source rows into %s: commit: %w", d.redacted, err)
	}
	return nil
}

// insertRepairers inserts the repairers, with the optional columns when the table has them.
func insertRepairers(ctx context.Context, tx *sql.Tx, src sb.Source) error {
	rs := src.Repairers
	// the optional columns when the table has them (all or none: migration 21)
	have, err := columnsOf(ctx, tx, "repairers")
	if err != nil {
		return err
	}
	optional := slices.Contains(have, "vat_on_debits")
	cols := []string{"id", "name", "email", "address", "siret", "vat_number", "vat_regime", "rc_pro_deductible_cents", "active"}
	if optional {
		cols = append(cols, "postcode", "city", "country_code", "legal_form", "iban", "bic", "vat_on_debits")
	}
	err = insertRows(ctx, tx, "repairers", cols,
		len(rs), func(i int) []any {
			r := rs[i]
			var ded any
			if r.DeductibleCents != nil {
				ded = *r.DeductibleCents
			}
			row := []any{r.ID, r.Name, nullStr(r.Email), nullStr(r.Address), nullStr(r.SIRET), nullStr(r.VATNumber),
				r.VATRegime, ded, boolInt(r.Active)}
			if optional {
				var debits any
				if r.VATOnDebits {
					debits = 1
				}
				row = append(row, nullStr(r.Postcode), nullStr(r.City), nullStr(r.CountryCode), nullStr(r.LegalForm),
					nullStr(r.IBAN), nullStr(r.BIC), debits)
			}
			return row
		})
	return err
}

// insertInterventions inserts the interventions and their operations.
func insertInterventions(ctx context.Context, tx *sql.Tx, src sb.Source) error {
	ivs := src.Interventions
	err := insertRows(ctx, tx, "interventions",
		[]string{"id", "repairer_id", "customer_id", "city", "kind", "original_intervention_id", "status", "closed_at"},
		len(ivs), func(i int) []any {
			v := ivs[i]
			return []any{v.ID, v.RepairerID, nullInt(v.CustomerID), nullStr(v.City), v.Kind, nullInt(v.OriginalID),
				v.Status, sqlTime(v.ClosedAt)}
		})
	if err != nil {
		return err
	}

	var ops []sb.Operation
	for _, v := range ivs {
		for _, o := range v.Operations {
			if o.InterventionID == 0 {
				o.InterventionID = v.ID
			}
			ops = append(ops, o)
		}
	}
	err = insertRows(ctx, tx, "intervention_operations",
		[]string{"id", "intervention_id", "label", "price_cents", "commission_cents", "sav_related"},
		len(ops), func(i int) []any {
			o := ops[i]
			return []any{o.ID, o.InterventionID, nullStr(o.Label), o.PriceCents, o.CommissionCents, boolInt(o.SAVRelated)}
		})
	return err
}

// insertDecisions inserts the SAV decisions, the customer credits and finance's overrides.
func insertDecisions(ctx context.Context, tx *sql.Tx, src sb.Source) error {
	ds := src.Decisions
	err := insertRows(ctx, tx, "sav_decisions",
		[]string{"intervention_id", "outcome", "charge_bp", "faulty_repairer_id", "damage_cents", "decided_at", "decided_by", "note"},
		len(ds), func(i int) []any {
			x := ds[i]
			return []any{x.SAVID, x.Outcome, nullInt(int64(x.ChargeBP)), nullInt(x.FaultyRepairerID), x.DamageCents,
				sqlTime(x.DecidedAt), nullStr(x.DecidedBy), nullStr(x.Note)}
		})
	if err != nil {
		return err
	}

	cs := src.Credits
	err = insertRows(ctx, tx, "client_credits",
		[]string{"id", "intervention_id", "amount_cents", "granted_at", "reason"},
		len(cs), func(i int) []any {
			c := cs[i]
			return []any{c.ID, c.InterventionID, c.AmountCents, sqlTime(c.GrantedAt), nullStr(c.Reason)}
		})
	if err != nil {
		return err
	}

	ovs := src.Overrides
	err = insertRows(ctx, tx, "overflow_overrides",
		[]string{"repairer_id", "period", "mode", "months"},
		len(ovs), func(i int) []any {
			o := ovs[i]
			return []any{o.RepairerID, o.Period, o.Mode, nullInt(int64(o.Months))}
		})
	return err
}
