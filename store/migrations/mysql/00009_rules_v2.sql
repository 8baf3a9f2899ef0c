-- The rules of 2026-12 (docs/rules.md, « The switch »): damage charged to a repairer is an
-- indemnity outside the scope of VAT, set off after it; plans have a reduction part and an
-- indemnity part; the indemnity overflow goes on debit notes (NDD-, their own series);
-- a statement that bills no service is a statement of account (RDC-, its seq stored as minus
-- its month: outside the series, and unique per repairer and year as the key wants).
-- Every period closed before this migration was closed under the rules v1: its statements read
-- back with R = D, M = 0, Payable = Net TTC; its plans have no indemnity part; the decision each
-- SAV state holds is the one v1 last booked (kept in the v1_ columns when later closes update
-- the state). See docs/schema.md.

-- +goose Up
ALTER TABLE sb_periods ADD COLUMN rules_version INT NOT NULL DEFAULT 1;
ALTER TABLE sb_statements ADD COLUMN reductions_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_statements ADD COLUMN indemnities_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_statements ADD COLUMN reduction_overflow_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_statements ADD COLUMN indemnity_overflow_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_statements ADD COLUMN installments_indemnity_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_statements ADD COLUMN payable_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_statements ADD COLUMN debit_noted_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_statements ADD COLUMN debit_note_number VARCHAR(40) COLLATE utf8mb4_bin NOT NULL DEFAULT '';
UPDATE sb_statements SET reductions_cents = deductions_cents, reduction_overflow_cents = overflow_cents, payable_cents = net_ttc_cents;
ALTER TABLE sb_plans ADD COLUMN rules_version INT NOT NULL DEFAULT 1;
ALTER TABLE sb_plans ADD COLUMN indemnity_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_plans ADD COLUMN debit_noted_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_installments ADD COLUMN due_indemnity_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_installments ADD COLUMN paid_indemnity_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sb_sav_state ADD COLUMN v1_outcome VARCHAR(16) COLLATE utf8mb4_bin NULL;
ALTER TABLE sb_sav_state ADD COLUMN v1_charge_bp INT NULL;
ALTER TABLE sb_sav_state ADD COLUMN v1_faulty_repairer_id BIGINT NULL;
ALTER TABLE sb_sav_state ADD COLUMN v1_corrective_cents BIGINT NULL;
UPDATE sb_sav_state SET v1_outcome = outcome, v1_charge_bp = charge_bp, v1_faulty_repairer_id = faulty_repairer_id, v1_corrective_cents = corrective_cents;

CREATE TABLE sb_debit_notes (
    number      VARCHAR(40) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    year        INT NOT NULL,
    seq         INT NOT NULL,
    repairer_id BIGINT NOT NULL,
    period      CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    issued_on   DATE NULL,
    due_on      DATE NULL,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    address     TEXT NOT NULL,
    siret       TEXT NOT NULL,
    vat_number  TEXT NOT NULL,
    vat_regime  VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    ht_cents    BIGINT NOT NULL,
    UNIQUE (year, seq),
    UNIQUE (repairer_id, period),
    CONSTRAINT sb_debit_notes_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_debit_notes_period ON sb_debit_notes (period);

CREATE TABLE sb_debit_note_lines (
    note_number  VARCHAR(40) COLLATE utf8mb4_bin NOT NULL,
    line_no      INT NOT NULL,
    kind         VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    plan_id      VARCHAR(40) COLLATE utf8mb4_bin NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (note_number, line_no),
    CONSTRAINT sb_debit_note_lines_note_fk FOREIGN KEY (note_number) REFERENCES sb_debit_notes (number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE sb_debit_note_lines;
DROP TABLE sb_debit_notes;
ALTER TABLE sb_sav_state DROP COLUMN v1_corrective_cents;
ALTER TABLE sb_sav_state DROP COLUMN v1_faulty_repairer_id;
ALTER TABLE sb_sav_state DROP COLUMN v1_charge_bp;
ALTER TABLE sb_sav_state DROP COLUMN v1_outcome;
ALTER TABLE sb_installments DROP COLUMN paid_indemnity_cents;
ALTER TABLE sb_installments DROP COLUMN due_indemnity_cents;
ALTER TABLE sb_plans DROP COLUMN debit_noted_cents;
ALTER TABLE sb_plans DROP COLUMN indemnity_cents;
ALTER TABLE sb_plans DROP COLUMN rules_version;
ALTER TABLE sb_statements DROP COLUMN debit_note_number;
ALTER TABLE sb_statements DROP COLUMN debit_noted_cents;
ALTER TABLE sb_statements DROP COLUMN payable_cents;
ALTER TABLE sb_statements DROP COLUMN installments_indemnity_cents;
ALTER TABLE sb_statements DROP COLUMN indemnity_overflow_cents;
ALTER TABLE sb_statements DROP COLUMN reduction_overflow_cents;
ALTER TABLE sb_statements DROP COLUMN indemnities_cents;
ALTER TABLE sb_statements DROP COLUMN reductions_cents;
ALTER TABLE sb_periods DROP COLUMN rules_version;
