-- The send log of `savbilling send` (issue 22): one row per repairer and period, the message that
-- carries that repairer's documents of the period. state is pending, sending (written before the
-- SMTP transaction: the server may have accepted it), accepted, failed-temporary or
-- failed-permanent; a rerun sends every row that is not accepted. See docs/delivery.md.
-- utf8mb4 whatever the server's default; periods and Message-IDs compare exactly (utf8mb4_bin).

-- +goose Up
CREATE TABLE sb_send_log (
    period      CHAR(7) COLLATE utf8mb4_bin NOT NULL REFERENCES sb_periods (period),
    repairer_id BIGINT NOT NULL,
    message_id  VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
    address     VARCHAR(254) NOT NULL,
    documents   VARCHAR(1000) NOT NULL,
    state       VARCHAR(20) NOT NULL,
    attempts    INT NOT NULL DEFAULT 0,
    last_answer VARCHAR(1000) NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    sending_at  DATETIME,
    accepted_at DATETIME,
    PRIMARY KEY (period, repairer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE sb_send_log;
