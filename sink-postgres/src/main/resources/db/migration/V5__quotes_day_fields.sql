-- The quote fields the lake already stores (raw/quotes): the day's open/high/low, the previous close and the
-- provider's market state. All nullable: providers send what they have (FMP has no bid/ask, Polygon no market state).
-- V5, not V4: V4 is reserved for the statements/options/actions writes developed at the same time.
ALTER TABLE quotes
    ADD COLUMN day_open       double precision,
    ADD COLUMN day_high       double precision,
    ADD COLUMN day_low        double precision,
    ADD COLUMN previous_close double precision,
    ADD COLUMN market_state   text;
