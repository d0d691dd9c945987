package io.stockingest.core.model;

/** The kinds of data a source can provide and a sink can store. */
public enum Dataset {
    PRICES,
    FUNDAMENTALS,
    OPTIONS,
    ACTIONS,
    QUOTES
}
