-- Refreshed by PostgresSink for the symbols a load changed (see PostgresSink#refreshFeatures).
-- Windows count trading sessions (stored daily rows), not calendar days.
-- ma_20 / ma_50: mean close of the last 20 / 50 sessions including this one (null until that many exist).
-- volatility_20d: sample standard deviation of the last 20 daily log returns ln(close_t / close_t-1), not annualised.
CREATE TABLE price_features (
    symbol          text             NOT NULL,
    date            date             NOT NULL,
    close           double precision NOT NULL,
    ma_20           double precision,
    ma_50           double precision,
    volatility_20d  double precision,
    PRIMARY KEY (symbol, date)
);

-- Arrays hold the last 7 sessions (oldest first, this session last); avg_7_day_volume and volatility_7_day
-- (sample stddev of the 7 daily log returns ending this session) are null until 7 sessions (8 for volatility) exist.
CREATE TABLE price_cumulative_7d (
    symbol            text               NOT NULL,
    date              date               NOT NULL,
    opens             double precision[] NOT NULL,
    highs             double precision[] NOT NULL,
    lows              double precision[] NOT NULL,
    closes            double precision[] NOT NULL,
    volumes           bigint[]           NOT NULL,
    avg_7_day_volume  double precision,
    volatility_7_day  double precision,
    PRIMARY KEY (symbol, date)
);
