-- The chain snapshot's last quote and last trade (Polygon last_quote.bid/ask/bid_size/ask_size/midpoint and
-- last_trade.price), as the lake's option rows keep them; the dashboard's options page shows them. All nullable:
-- rows written before this version, and the contracts reference, have none. (V8 is #19's checked_sessions.)
ALTER TABLE option_snapshots
    ADD COLUMN bid        double precision,
    ADD COLUMN ask        double precision,
    ADD COLUMN bid_size   double precision,
    ADD COLUMN ask_size   double precision,
    ADD COLUMN midpoint   double precision,
    ADD COLUMN last_price double precision;
