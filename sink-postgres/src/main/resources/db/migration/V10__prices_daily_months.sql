-- Per symbol and calendar month: how many rows prices_daily holds, and their first and last date (issue 24). The
-- dashboard's coverage heatmap reads these rows (60,000 for 1,000 symbols x 5 years) instead of counting 1.26 M price
-- rows per request.
--
-- Who keeps it exact:
-- * the sink's daily load (BarLoader), in the same transaction as the price rows: it adds the rows it INSERTED per
--   month (a COPY's rows counted in Java; the staged insert and upsert through RETURNING, xmax = 0 for an upsert's
--   inserted rows). An update in place changes no count and no date, and the sink never deletes a price row;
-- * the triggers below, for a DELETE or TRUNCATE of prices_daily from elsewhere (an operator's SQL): the months the
--   deleted rows fell in are counted again from the rows left. (An UPDATE of a row's symbol or date from outside the
--   sink is not followed: nothing in the program does that.)
-- The backfill below counts the rows stored before this version.
CREATE TABLE prices_daily_months (
    symbol     text    NOT NULL,
    month      date    NOT NULL CHECK (month = date_trunc('month', month)::date),
    sessions   integer NOT NULL CHECK (sessions > 0),
    first_date date    NOT NULL,
    last_date  date    NOT NULL,
    PRIMARY KEY (symbol, month)
);

INSERT INTO prices_daily_months (symbol, month, sessions, first_date, last_date)
SELECT symbol, date_trunc('month', date)::date, count(*), min(date), max(date) FROM prices_daily GROUP BY 1, 2;

-- search_path FROM CURRENT: the function finds this schema's tables whatever the deleting session's search_path is
CREATE FUNCTION prices_daily_months_recount() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM prices_daily_months m
    USING (SELECT DISTINCT symbol, date_trunc('month', date)::date AS month FROM gone) t
    WHERE m.symbol = t.symbol AND m.month = t.month;
    INSERT INTO prices_daily_months (symbol, month, sessions, first_date, last_date)
    SELECT p.symbol, t.month, count(*), min(p.date), max(p.date)
    FROM (SELECT DISTINCT symbol, date_trunc('month', date)::date AS month FROM gone) t
    JOIN prices_daily p ON p.symbol = t.symbol AND p.date >= t.month AND p.date < (t.month + interval '1 month')::date
    GROUP BY 1, 2;
    RETURN NULL;
END
$$;

CREATE TRIGGER prices_daily_months_after_delete AFTER DELETE ON prices_daily
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION prices_daily_months_recount();

CREATE FUNCTION prices_daily_months_clear() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM prices_daily_months;
    RETURN NULL;
END
$$;

CREATE TRIGGER prices_daily_months_after_truncate AFTER TRUNCATE ON prices_daily
    FOR EACH STATEMENT EXECUTE FUNCTION prices_daily_months_clear();
