-- The repairer's optional identity columns frozen on each debit note (sb_debit_notes, migration 9),
-- as on statements and invoices (migration 20): a debit note renders from the ledger alone.

-- +goose Up
ALTER TABLE sb_debit_notes ADD COLUMN legal_form VARCHAR(1000) NOT NULL DEFAULT '';
ALTER TABLE sb_debit_notes ADD COLUMN postcode VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_debit_notes ADD COLUMN city VARCHAR(400) NOT NULL DEFAULT '';
ALTER TABLE sb_debit_notes ADD COLUMN country_code VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE sb_debit_notes ADD COLUMN iban VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_debit_notes ADD COLUMN bic VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_debit_notes ADD COLUMN vat_on_debits INT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sb_debit_notes DROP COLUMN vat_on_debits;
ALTER TABLE sb_debit_notes DROP COLUMN bic;
ALTER TABLE sb_debit_notes DROP COLUMN iban;
ALTER TABLE sb_debit_notes DROP COLUMN country_code;
ALTER TABLE sb_debit_notes DROP COLUMN city;
ALTER TABLE sb_debit_notes DROP COLUMN postcode;
ALTER TABLE sb_debit_notes DROP COLUMN legal_form;
