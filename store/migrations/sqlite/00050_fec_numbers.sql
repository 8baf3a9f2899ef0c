-- The accounting file's numbering (issue 23): for each period closed with an accounting file, the
-- fiscal year of its entries and whether it is the first file (opening with the à-nouveaux); for
-- each journal, the last EcritureNum before the period in that fiscal year and the last after it.
-- Written in the close's transaction, so that `render` numbers the entries the same way.

-- +goose Up
CREATE TABLE sb_fec_periods (
    period      CHAR(7) NOT NULL PRIMARY KEY REFERENCES sb_periods (period),
    fiscal_year CHAR(7) NOT NULL,
    opening     INT NOT NULL
);

CREATE TABLE sb_fec_numbers (
    period   CHAR(7) NOT NULL REFERENCES sb_fec_periods (period),
    journal  VARCHAR(20) NOT NULL,
    prev_num INT NOT NULL,
    last_num INT NOT NULL,
    PRIMARY KEY (period, journal)
);

-- +goose Down
DROP TABLE sb_fec_numbers;
DROP TABLE sb_fec_periods;
