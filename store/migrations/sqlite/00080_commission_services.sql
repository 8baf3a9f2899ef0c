-- The services a commission line bills (issue 19 point 6; docs/rules.md, « The services of an
-- intervention »): its operations' labels in ascending operation id, trimmed of their spaces,
-- the blank ones skipped, joined by ", " and cut at 300 code points (reconcile.Services), frozen
-- at close so that documents render from the ledger alone. Lines booked before get '' and their
-- documents count their operations as they did. See docs/schema.md.

-- +goose Up
ALTER TABLE sb_commissions ADD COLUMN services TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sb_commissions DROP COLUMN services;
