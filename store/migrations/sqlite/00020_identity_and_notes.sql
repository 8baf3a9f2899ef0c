-- The repairer's optional identity columns (docs/contract.md, added 2026-12) frozen with the rest
-- of their identity on each statement and invoice, and the support's note on each SAV line, so
-- that documents render from the ledger alone. Rows booked before get blanks (the source had no
-- such column then). See docs/schema.md.

-- +goose Up
ALTER TABLE sb_statements ADD COLUMN legal_form VARCHAR(1000) NOT NULL DEFAULT '';
ALTER TABLE sb_statements ADD COLUMN postcode VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_statements ADD COLUMN city VARCHAR(400) NOT NULL DEFAULT '';
ALTER TABLE sb_statements ADD COLUMN country_code VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE sb_statements ADD COLUMN iban VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_statements ADD COLUMN bic VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_statements ADD COLUMN vat_on_debits INT NOT NULL DEFAULT 0;
ALTER TABLE sb_invoices ADD COLUMN legal_form VARCHAR(1000) NOT NULL DEFAULT '';
ALTER TABLE sb_invoices ADD COLUMN postcode VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_invoices ADD COLUMN city VARCHAR(400) NOT NULL DEFAULT '';
ALTER TABLE sb_invoices ADD COLUMN country_code VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE sb_invoices ADD COLUMN iban VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_invoices ADD COLUMN bic VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE sb_invoices ADD COLUMN vat_on_debits INT NOT NULL DEFAULT 0;
ALTER TABLE sb_sav_lines ADD COLUMN note VARCHAR(2000) NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sb_sav_lines DROP COLUMN note;
ALTER TABLE sb_invoices DROP COLUMN vat_on_debits;
ALTER TABLE sb_invoices DROP COLUMN bic;
ALTER TABLE sb_invoices DROP COLUMN iban;
ALTER TABLE sb_invoices DROP COLUMN country_code;
ALTER TABLE sb_invoices DROP COLUMN city;
ALTER TABLE sb_invoices DROP COLUMN postcode;
ALTER TABLE sb_invoices DROP COLUMN legal_form;
ALTER TABLE sb_statements DROP COLUMN vat_on_debits;
ALTER TABLE sb_statements DROP COLUMN bic;
ALTER TABLE sb_statements DROP COLUMN iban;
ALTER TABLE sb_statements DROP COLUMN country_code;
ALTER TABLE sb_statements DROP COLUMN city;
ALTER TABLE sb_statements DROP COLUMN postcode;
ALTER TABLE sb_statements DROP COLUMN legal_form;
