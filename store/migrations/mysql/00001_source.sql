-- Source tables, as docs/contract.md defines them. Created only when missing: an operator may
-- provide tables or views of the same names and columns over the marketplace's own tables.
-- Their indexes are created by migration 2 (Go), only on base tables.
-- utf8mb4 whatever the server's default; enumerated columns compare exactly (utf8mb4_bin), as on
-- SQLite.

-- +goose Up
CREATE TABLE IF NOT EXISTS repairers (
    id                      BIGINT NOT NULL PRIMARY KEY,
    name                    VARCHAR(200) NOT NULL,
    email                   VARCHAR(254) NULL,
    address                 VARCHAR(500) NULL,
    siret                   VARCHAR(14) NULL,
    vat_number              VARCHAR(20) NULL,
    vat_regime              VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    rc_pro_deductible_cents BIGINT NULL,
    active                  INT NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS interventions (
    id                       BIGINT NOT NULL PRIMARY KEY,
    repairer_id              BIGINT NOT NULL,
    customer_id              BIGINT NULL,
    city                     VARCHAR(80) NULL,
    kind                     VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    original_intervention_id BIGINT NULL,
    status                   VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    closed_at                DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS intervention_operations (
    id               BIGINT NOT NULL PRIMARY KEY,
    intervention_id  BIGINT NOT NULL,
    label            VARCHAR(200) NULL,
    price_cents      BIGINT NOT NULL,
    commission_cents BIGINT NOT NULL,
    sav_related      INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS sav_decisions (
    intervention_id    BIGINT NOT NULL PRIMARY KEY,
    outcome            VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    charge_bp          INT NULL,
    faulty_repairer_id BIGINT NULL,
    damage_cents       BIGINT NOT NULL DEFAULT 0,
    decided_at         DATETIME NOT NULL,
    decided_by         VARCHAR(100) NULL,
    note               VARCHAR(1000) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS client_credits (
    id              BIGINT NOT NULL PRIMARY KEY,
    intervention_id BIGINT NOT NULL,
    amount_cents    BIGINT NOT NULL,
    granted_at      DATETIME NOT NULL,
    reason          VARCHAR(200) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS overflow_overrides (
    repairer_id BIGINT NOT NULL,
    period      CHAR(7) COLLATE utf8mb4_bin NOT NULL,
    mode        VARCHAR(8) COLLATE utf8mb4_bin NOT NULL,
    months      INT NULL,
    PRIMARY KEY (repairer_id, period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
-- The source tables belong to the marketplace: never dropped.
SELECT 1;
