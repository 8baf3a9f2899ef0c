-- The commission lines of a period are read back in repairer order (the statements) and number a
-- million a month in a large network: clustered by (period, repairer_id, intervention_id) they are
-- read with one range scan of the primary key, without a sort (was: a full scan and a filesort of
-- the table, ~9 s for a million lines). Exactly-once stays enforced by the unique key on
-- intervention_id. See docs/schema.md.

-- +goose Up
ALTER TABLE sb_commissions
    DROP PRIMARY KEY,
    ADD PRIMARY KEY (period, repairer_id, intervention_id),
    ADD UNIQUE KEY sb_commissions_intervention (intervention_id),
    DROP INDEX sb_commissions_period;

-- +goose Down
ALTER TABLE sb_commissions
    DROP PRIMARY KEY,
    ADD PRIMARY KEY (intervention_id),
    DROP INDEX sb_commissions_intervention,
    ADD INDEX sb_commissions_period (period, repairer_id);
