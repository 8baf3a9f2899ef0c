-- MySQL/MariaDB cluster the commission lines by (period, repairer_id, intervention_id) from this
-- version on (see its 00005). SQLite needs nothing: a close inserts a period's lines in repairer
-- order, so their rowids already keep them in that order, and sb_commissions_period finds them.
-- The version exists so that both dialects have the same schema versions.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
