-- fundamentals, option_snapshots and corporate_actions get the lake's columns (PRODUCT.md: "Columns keep the lake's
-- names"; sink-s3 LakeSchemas STATEMENT / OPTION / ACTION), so every field of the model is stored. V2 created these
-- tables before anything wrote them; columns no model field fills (bid, ask, last, ratio) are dropped.

ALTER TABLE fundamentals ADD COLUMN accepted_at timestamptz;

ALTER TABLE option_snapshots RENAME COLUMN snapshot_date TO date;
ALTER TABLE option_snapshots RENAME COLUMN option_type TO contract_type;
ALTER TABLE option_snapshots ALTER COLUMN contract_type DROP NOT NULL;
ALTER TABLE option_snapshots RENAME COLUMN implied_vol TO implied_volatility;
ALTER TABLE option_snapshots RENAME COLUMN volume TO day_volume;
ALTER TABLE option_snapshots ALTER COLUMN day_volume TYPE double precision;
ALTER TABLE option_snapshots ALTER COLUMN open_interest TYPE double precision;
ALTER TABLE option_snapshots DROP COLUMN bid, DROP COLUMN ask, DROP COLUMN last;
ALTER TABLE option_snapshots
    ADD COLUMN exercise_style      text,
    ADD COLUMN shares_per_contract double precision,
    ADD COLUMN day_open            double precision,
    ADD COLUMN day_high            double precision,
    ADD COLUMN day_low             double precision,
    ADD COLUMN day_close           double precision,
    ADD COLUMN day_vwap            double precision,
    ADD COLUMN break_even_price    double precision,
    ADD COLUMN underlying_price    double precision,
    ADD COLUMN snapshot_time       timestamptz;

ALTER TABLE corporate_actions DROP COLUMN ratio;
ALTER TABLE corporate_actions
    ADD COLUMN numerator        double precision,
    ADD COLUMN denominator      double precision,
    ADD COLUMN record_date      date,
    ADD COLUMN declaration_date date,
    ADD COLUMN currency         text;
-- "actions for AAPL" reads by symbol first; the key (symbol, type, ex_date) serves that already.
