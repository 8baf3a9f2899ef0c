-- The renders read a period's statements a batch of repairers at a time (store.DB.EachStatement:
-- WHERE period = ? AND repairer_id > ? ORDER BY repairer_id LIMIT n): an index on
-- (period, repairer_id) finds each batch in order, where the index on period alone made every
-- batch sort the period's statements (at L on SQLite, the PDFs' reads took ~4 s more). It
-- replaces that index. See docs/schema.md.

-- +goose Up
CREATE INDEX sb_statements_period_repairer ON sb_statements (period, repairer_id);
DROP INDEX sb_statements_period;

-- +goose Down
CREATE INDEX sb_statements_period ON sb_statements (period);
DROP INDEX sb_statements_period_repairer;
