package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Bar;

/** A bar the validator turned away, with the name of the rule it broke and the detail. */
public record Rejected(Bar bar, String rule, String detail) {
    public Rejected {
        requireNonNull(bar, "bar is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(detail, "detail is null");
    }
}
