package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.util.List;

/**
 * One unit of fetching planned by a {@link Source}: usually one symbol and a range, sometimes many symbols at once
 * (Polygon's grouped daily), sometimes a slice of a long range (Yahoo's 8-day 1m windows).
 *
 * @param calls how many provider calls the source expects this request to take (for {@code --dry-run} and budgets)
 */
public record BarRequest(List<Symbol> symbols, Interval interval, DateRange range, Hours hours, int calls) {
    public BarRequest {
        symbols = List.copyOf(requireNonNull(symbols, "symbols is null"));
        requireNonNull(interval, "interval is null");
        requireNonNull(range, "range is null");
        requireNonNull(hours, "hours is null");
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("symbols is empty");
        }
    }

    public static BarRequest of(Symbol symbol, Interval interval, DateRange range, Hours hours) {
        return new BarRequest(List.of(symbol), interval, range, hours, 1);
    }

    /** Which part of the trading day intraday bars may come from. */
    public enum Hours {
        /** 09:30-16:00 New York. */
        REGULAR,
        /** 04:00-20:00 New York (pre- and post-market included). */
        EXTENDED
    }

    @Override
    public String toString() {
        return (symbols.size() == 1 ? symbols.getFirst().value() : symbols.size() + " symbols") + " " + interval + " " + range;
    }
}
