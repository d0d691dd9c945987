package io.stockingest.core.model;

/** Which corporate actions the open/high/low/close/volume of a bar are adjusted for. */
public enum Adjustment {
    /** Prices as traded. */
    NONE,
    /** Adjusted for splits only (Polygon {@code adjusted=true}, Yahoo and FMP OHLC). */
    SPLITS,
    /** Adjusted for splits and dividends. */
    SPLITS_AND_DIVIDENDS
}
