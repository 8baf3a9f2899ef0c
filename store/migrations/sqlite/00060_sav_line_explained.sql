-- What a SAV line needs to explain itself on the statement (issue 19, domain.md « What a document
-- explains »), frozen at close so that documents render from the ledger alone: the Paris days
-- of the SAV and of its original intervention and the original's city; for an adjustment, the
-- decision the ledger booked before (outcome, share, damage), what had been booked of the line's
-- kind for that SAV to that repairer, and the number of the latest statement it was booked on;
-- for damage, the policy whose deductible applies and that deductible.
-- Rows booked before get blanks (their documents print as they did). See docs/schema.md.

-- +goose Up
ALTER TABLE sb_sav_lines ADD COLUMN sav_day VARCHAR(10) NOT NULL DEFAULT '';
ALTER TABLE sb_sav_lines ADD COLUMN original_day VARCHAR(10) NOT NULL DEFAULT '';
ALTER TABLE sb_sav_lines ADD COLUMN original_city VARCHAR(400) NOT NULL DEFAULT '';
ALTER TABLE sb_sav_lines ADD COLUMN before_outcome VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE sb_sav_lines ADD COLUMN before_charge_bp INT NOT NULL DEFAULT 0;
ALTER TABLE sb_sav_lines ADD COLUMN before_damage_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_sav_lines ADD COLUMN before_booked_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_sav_lines ADD COLUMN earlier_statement VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_sav_lines ADD COLUMN policy VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE sb_sav_lines ADD COLUMN deductible_cents BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sb_sav_lines DROP COLUMN deductible_cents;
ALTER TABLE sb_sav_lines DROP COLUMN policy;
ALTER TABLE sb_sav_lines DROP COLUMN earlier_statement;
ALTER TABLE sb_sav_lines DROP COLUMN before_booked_cents;
ALTER TABLE sb_sav_lines DROP COLUMN before_damage_cents;
ALTER TABLE sb_sav_lines DROP COLUMN before_charge_bp;
ALTER TABLE sb_sav_lines DROP COLUMN before_outcome;
ALTER TABLE sb_sav_lines DROP COLUMN original_city;
ALTER TABLE sb_sav_lines DROP COLUMN original_day;
ALTER TABLE sb_sav_lines DROP COLUMN sav_day;
