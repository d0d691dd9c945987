-- Sessions a run asked for and found settled without a bar to store (issue 19): the provider had none (a halt, before an
-- IPO, after a delisting), or the row broke a row rule and went to the quarantine. A later run does not ask for them
-- again (unless prices --recheck) and so does not quarantine the same row twice. One row per symbol, interval and
-- date; the first run to record it is kept (concurrent --shard runs insert with ON CONFLICT DO NOTHING).
CREATE TABLE checked_sessions (
    symbol     text        NOT NULL,
    interval   text        NOT NULL,
    date       date        NOT NULL,
    reason     text        NOT NULL CHECK (reason IN ('empty', 'quarantined')),
    run_id     text        NOT NULL,
    checked_at timestamptz NOT NULL,
    PRIMARY KEY (symbol, interval, date)
);
