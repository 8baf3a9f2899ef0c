-- The job's ledger (tables prefixed sb_): what each close booked. Written only by a close, in its
-- single transaction; read back by renders. See docs/schema.md.

-- +goose Up
CREATE TABLE sb_periods (
    period      CHAR(7) NOT NULL PRIMARY KEY,
    start_utc   DATETIME NOT NULL,
    end_utc     DATETIME NOT NULL,
    closed_at   DATETIME NOT NULL,
    issued_on   DATE NOT NULL,
    issuer_json TEXT NOT NULL
);

CREATE TABLE sb_commissions (
    intervention_id BIGINT NOT NULL PRIMARY KEY,
    period          CHAR(7) NOT NULL REFERENCES sb_periods (period),
    repairer_id     BIGINT NOT NULL,
    kind            VARCHAR(16) NOT NULL,
    city            VARCHAR(80) NOT NULL,
    closed_at       DATETIME,
    operations      INT NOT NULL,
    amount_cents    BIGINT NOT NULL,
    late            INT NOT NULL
);
CREATE INDEX sb_commissions_period ON sb_commissions (period, repairer_id);

CREATE TABLE sb_sav_lines (
    sav_id           BIGINT NOT NULL,
    period           CHAR(7) NOT NULL REFERENCES sb_periods (period),
    repairer_id      BIGINT NOT NULL,
    type             VARCHAR(20) NOT NULL,
    original_id      BIGINT NOT NULL,
    sav_repairer_id  BIGINT NOT NULL,
    city             VARCHAR(80) NOT NULL,
    outcome          VARCHAR(16) NOT NULL,
    charge_bp        INT NOT NULL,
    corrective_cents BIGINT NOT NULL,
    damage_cents     BIGINT NOT NULL,
    amount_cents     BIGINT NOT NULL,
    PRIMARY KEY (sav_id, period, repairer_id, type)
);
CREATE INDEX sb_sav_lines_period ON sb_sav_lines (period, repairer_id);

CREATE TABLE sb_sav_state (
    sav_id              BIGINT NOT NULL PRIMARY KEY,
    outcome             VARCHAR(16) NOT NULL,
    charge_bp           INT NOT NULL,
    faulty_repairer_id  BIGINT NOT NULL,
    damage_cents        BIGINT NOT NULL,
    decided_at          DATETIME,
    corrective_cents    BIGINT NOT NULL,
    related_price_cents BIGINT NOT NULL,
    first_period        CHAR(7) NOT NULL REFERENCES sb_periods (period),
    last_period         CHAR(7) NOT NULL REFERENCES sb_periods (period)
);

CREATE TABLE sb_claims (
    sav_id           BIGINT NOT NULL,
    period           CHAR(7) NOT NULL REFERENCES sb_periods (period),
    repairer_id      BIGINT NOT NULL,
    policy           VARCHAR(16) NOT NULL,
    damage_cents     BIGINT NOT NULL,
    deductible_cents BIGINT NOT NULL,
    claim_cents      BIGINT NOT NULL,
    adjustment       INT NOT NULL,
    PRIMARY KEY (sav_id, period)
);
CREATE INDEX sb_claims_period ON sb_claims (period);

CREATE TABLE sb_goodwill (
    credit_id    BIGINT NOT NULL PRIMARY KEY,
    period       CHAR(7) NOT NULL REFERENCES sb_periods (period),
    sav_id       BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    granted_at   DATETIME,
    reason       VARCHAR(1000) NOT NULL,
    outcome      VARCHAR(16) NOT NULL,
    borne        INT NOT NULL,
    fits         INT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX sb_goodwill_period ON sb_goodwill (period);

CREATE TABLE sb_plans (
    id             VARCHAR(40) NOT NULL PRIMARY KEY,
    repairer_id    BIGINT NOT NULL,
    created_period CHAR(7) NOT NULL REFERENCES sb_periods (period),
    months         INT NOT NULL,
    total_cents    BIGINT NOT NULL,
    invoiced_cents BIGINT NOT NULL DEFAULT 0,
    closed_period  CHAR(7) REFERENCES sb_periods (period),
    UNIQUE (repairer_id, created_period)
);

CREATE TABLE sb_installments (
    plan_id     VARCHAR(40) NOT NULL REFERENCES sb_plans (id),
    period      CHAR(7) NOT NULL REFERENCES sb_periods (period),
    repairer_id BIGINT NOT NULL,
    number      INT NOT NULL,
    of_n        INT NOT NULL,
    due_cents   BIGINT NOT NULL,
    paid_cents  BIGINT NOT NULL,
    PRIMARY KEY (plan_id, period)
);
CREATE INDEX sb_installments_period ON sb_installments (period, repairer_id);

CREATE TABLE sb_statements (
    number             VARCHAR(40) NOT NULL PRIMARY KEY,
    repairer_id        BIGINT NOT NULL,
    period             CHAR(7) NOT NULL REFERENCES sb_periods (period),
    year               INT NOT NULL,
    seq                INT NOT NULL,
    issued_on          DATE,
    payment_on         DATE,
    name               VARCHAR(1000) NOT NULL,
    email              VARCHAR(1000) NOT NULL,
    address            VARCHAR(1000) NOT NULL,
    siret              VARCHAR(64) NOT NULL,
    vat_number         VARCHAR(64) NOT NULL,
    vat_regime         VARCHAR(16) NOT NULL,
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
    invoice_number     VARCHAR(40) NOT NULL,
    UNIQUE (repairer_id, period),
    UNIQUE (repairer_id, year, seq)
);
CREATE INDEX sb_statements_period ON sb_statements (period);

CREATE TABLE sb_invoices (
    number      VARCHAR(40) NOT NULL PRIMARY KEY,
    year        INT NOT NULL,
    seq         INT NOT NULL,
    repairer_id BIGINT NOT NULL,
    period      CHAR(7) NOT NULL REFERENCES sb_periods (period),
    issued_on   DATE,
    due_on      DATE,
    name        VARCHAR(1000) NOT NULL,
    email       VARCHAR(1000) NOT NULL,
    address     VARCHAR(1000) NOT NULL,
    siret       VARCHAR(64) NOT NULL,
    vat_number  VARCHAR(64) NOT NULL,
    vat_regime  VARCHAR(16) NOT NULL,
    ht_cents    BIGINT NOT NULL,
    vat_rate_bp INT NOT NULL,
    vat_cents   BIGINT NOT NULL,
    ttc_cents   BIGINT NOT NULL,
    UNIQUE (year, seq),
    UNIQUE (repairer_id, period)
);
CREATE INDEX sb_invoices_period ON sb_invoices (period);

CREATE TABLE sb_invoice_lines (
    invoice_number VARCHAR(40) NOT NULL REFERENCES sb_invoices (number),
    line_no        INT NOT NULL,
    kind           VARCHAR(16) NOT NULL,
    plan_id        VARCHAR(40),
    amount_cents   BIGINT NOT NULL,
    PRIMARY KEY (invoice_number, line_no)
);

CREATE TABLE sb_anomalies (
    period      CHAR(7) NOT NULL REFERENCES sb_periods (period),
    seq         INT NOT NULL,
    item        VARCHAR(1000) NOT NULL,
    repairer_id BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    fix         TEXT NOT NULL,
    blocking    INT NOT NULL,
    PRIMARY KEY (period, seq)
);

CREATE TABLE sb_pending (
    period          CHAR(7) NOT NULL REFERENCES sb_periods (period),
    sav_id          BIGINT NOT NULL,
    original_id     BIGINT NOT NULL,
    sav_repairer_id BIGINT NOT NULL,
    closed_at       DATETIME,
    age_days        INT NOT NULL,
    PRIMARY KEY (period, sav_id)
);

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
