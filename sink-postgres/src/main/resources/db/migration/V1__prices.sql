-- Bars. Runs with search_path = the target schema (Flyway defaultSchema = PG_SCHEMA / --pg-schema).
CREATE TABLE prices_daily (
    symbol       text             NOT NULL,
    date         date             NOT NULL,
    open         double precision NOT NULL,
    high         double precision NOT NULL,
    low          double precision NOT NULL,
    close        double precision NOT NULL,
    adj_close    double precision,
    volume       bigint           NOT NULL,
    vwap         double precision,
    transactions bigint,
    source       text             NOT NULL,
    ingest_ts    timestamptz      NOT NULL,
    PRIMARY KEY (symbol, date)
);
CREATE INDEX prices_daily_date_idx ON prices_daily (date);

-- Intraday (and weekly/monthly) bars: every interval other than 1d.
CREATE TABLE prices_intraday (
    symbol       text             NOT NULL,
    interval     text             NOT NULL,
    ts           timestamptz      NOT NULL,
    date         date             NOT NULL,
    open         double precision NOT NULL,
    high         double precision NOT NULL,
    low          double precision NOT NULL,
    close        double precision NOT NULL,
    adj_close    double precision,
    volume       bigint           NOT NULL,
    vwap         double precision,
    transactions bigint,
    source       text             NOT NULL,
    ingest_ts    timestamptz      NOT NULL,
    PRIMARY KEY (symbol, interval, ts)
);
CREATE INDEX prices_intraday_symbol_date_idx ON prices_intraday (symbol, date);
CREATE INDEX prices_intraday_ts_idx ON prices_intraday (ts);
