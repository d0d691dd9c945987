-- Where each bar's symbol trades (issue 20): an ISO 10383 MIC (XNYS, XNAS, XLON, XSHG, ...), CRYPTO, FX, or US for a
-- US listing or index whose exchange the provider did not name. Rows stored before this migration keep NULL: their
-- venue was not recorded. Nullable, so adding it rewrites no row.
ALTER TABLE prices_daily ADD COLUMN venue text;
ALTER TABLE prices_intraday ADD COLUMN venue text;
