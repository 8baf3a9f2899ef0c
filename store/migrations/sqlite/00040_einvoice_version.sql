-- The e-invoice version each period was closed under (issue 21, docs/einvoice.md): 0 for every
-- period closed before e-invoices (its statements and invoices are plain PDFs, forever: issued
-- documents are immutable), 1 for a period whose REL- statements and FAC- invoices are Factur-X
-- PDF/A-3 with their CII XML (einvoices/<number>.xml). Every close from now on sets it.

-- +goose Up
ALTER TABLE sb_periods ADD COLUMN einvoice_version INT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sb_periods DROP COLUMN einvoice_version;
