-- The btree on prices_daily(date) doubled the cost of every load (measured: binary COPY of 1.25 M rows 3.4 s into a
-- table with the primary key alone, 7.8 s with the date btree as well), because rows arrive ordered by symbol, so its
-- inserts land all over the index. By-symbol queries use the primary key (symbol, date). For queries by date across
-- symbols a BRIN index costs next to nothing to maintain and prunes well where rows were appended day by day
-- (daily runs, --since-last); after a symbol-by-symbol backfill such a query reads the whole table.
-- Version 6: V4 and V5 are taken by other branches (dataset tables, quotes).
DROP INDEX IF EXISTS prices_daily_date_idx;
CREATE INDEX prices_daily_date_brin ON prices_daily USING brin (date);
