-- The job's ledger (tables prefixed sb_): what each close booked. Written only by a close, in its
-- single transaction; read back by renders. See docs/schema.md.
-- utf8mb4 whatever the server's default; codes and periods compare exactly (utf8mb4_bin).

-- +goose Up
CREATE TABLE sb_periods (
    period      CHAR(7) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    start_utc   DATETIME NOT NULL,
    end_utc     DATETIME NOT NULL,
    closed_at   DATETIME NOT NULL,
    issued_on   DATE NOT NULL,
    issuer_json TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sb_commissions (
    intervention_id BIGINT NOT NULL PRIMARY KEY,
    period          CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    repairer_id     BIGINT NOT NULL,
    kind            VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    city            TEXT NOT NULL,
    closed_at       DATETIME NULL,
    operations      INT NOT NULL,
    amount_cents    BIGINT NOT NULL,
    late            INT NOT NULL,
    CONSTRAINT sb_commissions_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_commissions_period ON sb_commissions (period, repairer_id);

CREATE TABLE sb_sav_lines (
    sav_id           BIGINT NOT NULL,
    period           CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    repairer_id      BIGINT NOT NULL,
    type             VARCHAR(20) COLLATE utf8mb4_bin NOT NULL,
    original_id      BIGINT NOT NULL,
    sav_repairer_id  BIGINT NOT NULL,
    city             TEXT NOT NULL,
    outcome          VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    charge_bp        INT NOT NULL,
    corrective_cents BIGINT NOT NULL,
    damage_cents     BIGINT NOT NULL,
    amount_cents     BIGINT NOT NULL,
    PRIMARY KEY (sav_id, period, repairer_id, type),
    CONSTRAINT sb_sav_lines_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_sav_lines_period ON sb_sav_lines (period, repairer_id);

CREATE TABLE sb_sav_state (
    sav_id              BIGINT NOT NULL PRIMARY KEY,
    outcome             VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    charge_bp           INT NOT NULL,
    faulty_repairer_id  BIGINT NOT NULL,
    damage_cents        BIGINT NOT NULL,
    decided_at          DATETIME NULL,
    corrective_cents    BIGINT NOT NULL,
    related_price_cents BIGINT NOT NULL,
    first_period        CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    last_period         CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    CONSTRAINT sb_sav_state_first_period_fk FOREIGN KEY (first_period) REFERENCES sb_periods (period),
    CONSTRAINT sb_sav_state_last_period_fk FOREIGN KEY (last_period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sb_claims (
    sav_id           BIGINT NOT NULL,
    period           CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    repairer_id      BIGINT NOT NULL,
    policy           VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    damage_cents     BIGINT NOT NULL,
    deductible_cents BIGINT NOT NULL,
    claim_cents      BIGINT NOT NULL,
    adjustment       INT NOT NULL,
    PRIMARY KEY (sav_id, period),
    CONSTRAINT sb_claims_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_claims_period ON sb_claims (period);

CREATE TABLE sb_goodwill (
    credit_id    BIGINT NOT NULL PRIMARY KEY,
    period       CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    sav_id       BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    granted_at   DATETIME NULL,
    reason       TEXT NOT NULL,
    outcome      VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    borne        INT NOT NULL,
    fits         INT NOT NULL,
    note         TEXT NOT NULL,
    CONSTRAINT sb_goodwill_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_goodwill_period ON sb_goodwill (period);

CREATE TABLE sb_plans (
    id             VARCHAR(40) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    repairer_id    BIGINT NOT NULL,
    created_period CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    months         INT NOT NULL,
    total_cents    BIGINT NOT NULL,
    invoiced_cents BIGINT NOT NULL DEFAULT 0,
    closed_period  CHAR(7) COLLATE utf8mb4_bin NULL,
    UNIQUE (repairer_id, created_period),
    CONSTRAINT sb_plans_created_period_fk FOREIGN KEY (created_period) REFERENCES sb_periods (period),
    CONSTRAINT sb_plans_closed_period_fk FOREIGN KEY (closed_period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sb_installments (
    plan_id     VARCHAR(40) COLLATE utf8mb4_bin NOT NULL,
    period      CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    repairer_id BIGINT NOT NULL,
    number      INT NOT NULL,
    of_n        INT NOT NULL,
    due_cents   BIGINT NOT NULL,
    paid_cents  BIGINT NOT NULL,
    PRIMARY KEY (plan_id, period),
    CONSTRAINT sb_installments_plan_id_fk FOREIGN KEY (plan_id) REFERENCES sb_plans (id),
    CONSTRAINT sb_installments_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_installments_period ON sb_installments (period, repairer_id);

CREATE TABLE sb_statements (
    number             VARCHAR(40) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    repairer_id        BIGINT NOT NULL,
    period             CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    year               INT NOT NULL,
    seq                INT NOT NULL,
    issued_on          DATE NULL,
    payment_on         DATE NULL,
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    address            TEXT NOT NULL,
    siret              TEXT NOT NULL,
    vat_number         TEXT NOT NULL,
    vat_regime         VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    gross_cents        BIGINT NOT NULL,
    deductions_cents   BIGINT NOT NULL,
    overflow_cents     BIGINT NOT NULL,
    available_cents    BIGINT NOT NULL,
    installments_cents BIGINT NOT NULL,
    net_ht_cents       BIGINT NOT NULL,
    vat_rate_bp        INT NOT NULL,
    vat_cents          BIGINT NOT NULL,
    net_ttc_cents      BIGINT NOT NULL,
    spread_cents       BIGINT NOT NULL,
    invoiced_cents     BIGINT NOT NULL,
    invoice_number     VARCHAR(40) COLLATE utf8mb4_bin NOT NULL,
    UNIQUE (repairer_id, period),
    UNIQUE (repairer_id, year, seq),
    CONSTRAINT sb_statements_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_statements_period ON sb_statements (period);

CREATE TABLE sb_invoices (
    number      VARCHAR(40) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    year        INT NOT NULL,
    seq         INT NOT NULL,
    repairer_id BIGINT NOT NULL,
    period      CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    issued_on   DATE NULL,
    due_on      DATE NULL,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    address     TEXT NOT NULL,
    siret       TEXT NOT NULL,
    vat_number  TEXT NOT NULL,
    vat_regime  VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    ht_cents    BIGINT NOT NULL,
    vat_rate_bp INT NOT NULL,
    vat_cents   BIGINT NOT NULL,
    ttc_cents   BIGINT NOT NULL,
    UNIQUE (year, seq),
    UNIQUE (repairer_id, period),
    CONSTRAINT sb_invoices_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX sb_invoices_period ON sb_invoices (period);

CREATE TABLE sb_invoice_lines (
    invoice_number VARCHAR(40) COLLATE utf8mb4_bin NOT NULL,
    line_no        INT NOT NULL,
    kind           VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    plan_id        VARCHAR(40) COLLATE utf8mb4_bin NULL,
    amount_cents   BIGINT NOT NULL,
    PRIMARY KEY (invoice_number, line_no),
    CONSTRAINT sb_invoice_lines_invoice_number_fk FOREIGN KEY (invoice_number) REFERENCES sb_invoices (number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sb_anomalies (
    period      CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    seq         INT NOT NULL,
    item        TEXT NOT NULL,
    repairer_id BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    fix         TEXT NOT NULL,
    blocking    INT NOT NULL,
    PRIMARY KEY (period, seq),
    CONSTRAINT sb_anomalies_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sb_pending (
    period          CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    sav_id          BIGINT NOT NULL,
    original_id     BIGINT NOT NULL,
    sav_repairer_id BIGINT NOT NULL,
    closed_at       DATETIME NULL,
    age_days        INT NOT NULL,
    PRIMARY KEY (period, sav_id),
    CONSTRAINT sb_pending_period_fk FOREIGN KEY (period) REFERENCES sb_periods (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE sb_pending;
DROP TABLE sb_anomalies;
DROP TABLE sb_invoice_lines;
DROP TABLE sb_invoices;
DROP TABLE sb_statements;
DROP TABLE sb_installments;
DROP TABLE sb_plans;
DROP TABLE sb_goodwill;
DROP TABLE sb_claims;
DROP TABLE sb_sav_state;
DROP TABLE sb_sav_lines;
DROP TABLE sb_commissions;
DROP TABLE sb_periods;
