-- Each operation is paid once (issue 17, point 5). sb_commissions books an intervention once,
-- whole; an operation moved from a paid intervention to an unpaid one was paid again with it.
-- sb_operations keys every operation booked by its id: a close holds an intervention holding an
-- operation already booked with another (docs/rules.md). It is written with the commission lines,
-- by the same pass (store.Tx.SaveBook, and the summed lines' INSERT … SELECT).
--
-- Two integers a row, for three million rows a month at L: the period of an operation is its
-- intervention's, in sb_commissions (no column, no foreign key, no index to write). The
-- operations of the interventions booked before this migration are taken from the source as it
-- is now: an operation moved since its intervention was booked counts as booked where it is now.
-- A repeated operation id (a view) is kept once.
--
-- See docs/schema.md.

-- +goose Up
CREATE TABLE sb_operations (
    operation_id    INTEGER PRIMARY KEY,
    intervention_id BIGINT NOT NULL
);
INSERT OR IGNORE INTO sb_operations (operation_id, intervention_id)
    SELECT o.id, o.intervention_id
    FROM sb_commissions c JOIN intervention_operations o ON o.intervention_id = c.intervention_id
    WHERE o.id IS NOT NULL
    ORDER BY o.id;

-- The operations added to an intervention after it was paid are found among those created since
-- the previous close: operation_mark is the highest operation id a close saw in the source; the
-- next close reads only the operations above it (docs/rules.md).
CREATE TABLE sb_operation_marks (
    period         CHAR(7) NOT NULL PRIMARY KEY REFERENCES sb_periods (period),
    operation_mark BIGINT NOT NULL
);

-- +goose Down
DROP TABLE sb_operation_marks;
DROP TABLE sb_operations;
