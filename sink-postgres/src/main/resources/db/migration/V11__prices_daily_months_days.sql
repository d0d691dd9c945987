-- Which days of its month each prices_daily_months row counts (issue 22): bit d-1 of `days` is set when the symbol
-- has a row on day d of the month. With it the summary names the stored sessions exactly, and planning a run reads
-- 60,000 summary rows (1,000 symbols x 5 years) instead of 1.26 M price dates: a rerun of a complete job found the
-- dates of every row before this version.
--
-- Kept like `sessions`, in the same transaction as the price rows: the sink's daily load ORs in the days it inserted
-- (ORs commute, like the additions, so concurrent --shard loads keep it exact), and the DELETE trigger's recount
-- computes it from the rows left. The CHECK ties it to `sessions`: a program older than V11 that adds rows to a month
-- without their days fails its load instead of leaving a summary that names the wrong dates.
ALTER TABLE prices_daily_months ADD COLUMN days integer;

UPDATE prices_daily_months m SET days = d.days
FROM (SELECT symbol, date_trunc('month', date)::date AS month, bit_or(1 << (extract(day FROM date)::int - 1)) AS days
      FROM prices_daily GROUP BY 1, 2) d
WHERE m.symbol = d.symbol AND m.month = d.month;

ALTER TABLE prices_daily_months ALTER COLUMN days SET NOT NULL;
-- the number of bits set equals the rows counted (text form: bit_count() needs PostgreSQL 14)
ALTER TABLE prices_daily_months ADD CONSTRAINT prices_daily_months_days_count
    CHECK (length(replace(days::bit(32)::text, '0', '')) = sessions);

CREATE OR REPLACE FUNCTION prices_daily_months_recount() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM prices_daily_months m
    USING (SELECT DISTINCT symbol, date_trunc('month', date)::date AS month FROM gone) t
    WHERE m.symbol = t.symbol AND m.month = t.month;
    INSERT INTO prices_daily_months (symbol, month, sessions, first_date, last_date, days)
    SELECT p.symbol, t.month, count(*), min(p.date), max(p.date), bit_or(1 << (extract(day FROM p.date)::int - 1))
    FROM (SELECT DISTINCT symbol, date_trunc('month', date)::date AS month FROM gone) t
    JOIN prices_daily p ON p.symbol = t.symbol AND p.date >= t.month AND p.date < (t.month + interval '1 month')::date
    GROUP BY 1, 2;
    RETURN NULL;
END
$$;
