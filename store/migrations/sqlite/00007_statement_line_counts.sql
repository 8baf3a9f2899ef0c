-- Each statement keeps the number of its commission lines. The workbook lists every statement
-- with that number (store.LinesCounted); it counted them with a GROUP BY over the period's
-- commission lines, a scan of a million rows at workload L for every render. The lines and the
-- count are written by the same transaction (store.Tx.SaveBook), and reading the lines back
-- checks the count. Statements booked before this migration get theirs counted here.
-- See docs/schema.md.

-- +goose Up
ALTER TABLE sb_statements ADD COLUMN commission_lines INT NOT NULL DEFAULT 0;
UPDATE sb_statements SET commission_lines = (SELECT COUNT(*) FROM sb_commissions c
    WHERE c.period = sb_statements.period AND c.repairer_id = sb_statements.repairer_id);

-- +goose Down
ALTER TABLE sb_statements DROP COLUMN commission_lines;
