-- Source tables, as docs/contract.md defines them. Created only when missing: an operator may
-- provide tables or views of the same names and columns over the marketplace's own tables.
-- Their indexes are created by migration 2 (Go), only on base tables.

-- +goose Up
CREATE TABLE IF NOT EXISTS repairers (
    id                      INTEGER PRIMARY KEY,
    name                    VARCHAR(200) NOT NULL,
    email                   VARCHAR(254),
    address                 VARCHAR(500),
    siret                   VARCHAR(14),
    vat_number              VARCHAR(20),
    vat_regime              VARCHAR(16) NOT NULL,
    rc_pro_deductible_cents BIGINT,
    active                  INT NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS interventions (
    id                       INTEGER PRIMARY KEY,
    repairer_id              BIGINT NOT NULL,
    customer_id              BIGINT,
    city                     VARCHAR(80),
    kind                     VARCHAR(16) NOT NULL,
    original_intervention_id BIGINT,
    status                   VARCHAR(16) NOT NULL,
    closed_at                DATETIME
);

CREATE TABLE IF NOT EXISTS intervention_operations (
    id               INTEGER PRIMARY KEY,
    intervention_id  BIGINT NOT NULL,
    label            VARCHAR(200),
    price_cents      BIGINT NOT NULL,
    commission_cents BIGINT NOT NULL,
    sav_related      INT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS sav_decisions (
    intervention_id    INTEGER PRIMARY KEY,
    outcome            VARCHAR(16) NOT NULL,
    charge_bp          INT,
    faulty_repairer_id BIGINT,
    damage_cents       BIGINT NOT NULL DEFAULT 0,
    decided_at         DATETIME NOT NULL,
    decided_by         VARCHAR(100),
    note               VARCHAR(1000)
);

CREATE TABLE IF NOT EXISTS client_credits (
    id              INTEGER PRIMARY KEY,
    intervention_id BIGINT NOT NULL,
    amount_cents    BIGINT NOT NULL,
    granted_at      DATETIME NOT NULL,
    reason          VARCHAR(200)
);

CREATE TABLE IF NOT EXISTS overflow_overrides (
    repairer_id BIGINT NOT NULL,
    period      CHAR(7) NOT NULL,
    mode        VARCHAR(8) NOT NULL,
    months      INT,
    PRIMARY KEY (repairer_id, period)
);

-- +goose Down
-- The source tables belong to the marketplace: never dropped.
SELECT 1;
