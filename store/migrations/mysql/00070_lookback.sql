-- A close that costs the month, not the history (issue 24; docs/rules.md, "The look-back").
--
-- sb_source_months: for each source table (source: 'interventions', 'sav_decisions',
-- 'client_credits') and each calendar month (Europe/Paris) of its time column, the fingerprint
-- of its rows as the last close saw them: their count and the sum of their ids (a decimal
-- integer as text: a sum of ids may pass 2^63). A close re-reads a month of its look-back only
-- when the fingerprint moved (a late arrival, a revision, a row removed).
--
-- sb_source_pending: the ids a close read and left unsettled (held, pending), which the next
-- close reads again by id although their month did not move, and what `savbilling audit`
-- found older than the look-back (source 'operations': an operation added to an intervention
-- booked before). Written in the close's transaction.

-- +goose Up
CREATE TABLE sb_source_months (
    source    VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    month     CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    row_count BIGINT      NOT NULL,
    id_sum    VARCHAR(40) NOT NULL,
    PRIMARY KEY (source, month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sb_source_pending (
    source VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    id     BIGINT      NOT NULL,
    PRIMARY KEY (source, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE sb_source_pending;
DROP TABLE sb_source_months;
