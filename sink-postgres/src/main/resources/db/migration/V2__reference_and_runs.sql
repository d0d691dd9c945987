CREATE TABLE fundamentals (
    symbol          text        NOT NULL,
    statement_type  text        NOT NULL,
    period          text        NOT NULL,
    fiscal_year     integer,
    period_end      date        NOT NULL,
    currency        text,
    filing_date     date,
    source          text        NOT NULL,
    line_items      jsonb       NOT NULL,
    ingest_ts       timestamptz NOT NULL,
    PRIMARY KEY (symbol, statement_type, period, period_end)
);
CREATE INDEX fundamentals_period_end_idx ON fundamentals (period_end);

CREATE TABLE option_snapshots (
    contract        text             NOT NULL,
    underlying      text             NOT NULL,
    snapshot_date   date             NOT NULL,
    expiration      date             NOT NULL,
    strike          double precision NOT NULL,
    option_type     text             NOT NULL,
    bid             double precision,
    ask             double precision,
    last            double precision,
    volume          bigint,
    open_interest   bigint,
    implied_vol     double precision,
    delta           double precision,
    gamma           double precision,
    theta           double precision,
    vega            double precision,
    source          text             NOT NULL,
    ingest_ts       timestamptz      NOT NULL,
    PRIMARY KEY (contract, snapshot_date)
);
CREATE INDEX option_snapshots_underlying_idx ON option_snapshots (underlying, snapshot_date, expiration);

CREATE TABLE corporate_actions (
    symbol          text             NOT NULL,
    type            text             NOT NULL,
    ex_date         date             NOT NULL,
    ratio           double precision,
    amount          double precision,
    pay_date        date,
    source          text             NOT NULL,
    ingest_ts       timestamptz      NOT NULL,
    PRIMARY KEY (symbol, type, ex_date)
);
CREATE INDEX corporate_actions_ex_date_idx ON corporate_actions (ex_date);

CREATE TABLE quotes (
    symbol          text             NOT NULL,
    ts              timestamptz      NOT NULL,
    price           double precision,
    bid             double precision,
    ask             double precision,
    volume          bigint,
    source          text             NOT NULL,
    ingest_ts       timestamptz      NOT NULL,
    PRIMARY KEY (symbol, ts)
);
CREATE INDEX quotes_ts_idx ON quotes (ts);

CREATE TABLE ingest_runs (
    run_id            text        PRIMARY KEY,
    command           text        NOT NULL,
    source            text,
    started_at        timestamptz,
    finished_at       timestamptz,
    duration_ms       bigint,
    exit_code         integer,
    status            text,
    symbols_requested integer,
    symbols_succeeded integer,
    symbols_failed    integer,
    rows_written      bigint,
    rows_quarantined  bigint,
    metrics           jsonb       NOT NULL
);
CREATE INDEX ingest_runs_started_idx ON ingest_runs (started_at);

CREATE TABLE quarantine (
    id        bigserial   PRIMARY KEY,
    run_id    text        NOT NULL,
    symbol    text        NOT NULL,
    interval  text        NOT NULL,
    date      date        NOT NULL,
    rule      text        NOT NULL,
    detail    text        NOT NULL,
    row       jsonb       NOT NULL,
    ingest_ts timestamptz NOT NULL
);
CREATE INDEX quarantine_symbol_date_idx ON quarantine (symbol, date);
CREATE INDEX quarantine_run_idx ON quarantine (run_id);
