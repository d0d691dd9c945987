/** Financial Modeling Prep source: daily and intraday bars, statements, dividends and splits. */
package io.stockingest.source.fmp;
