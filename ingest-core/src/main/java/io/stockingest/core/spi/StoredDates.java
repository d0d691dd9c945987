package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Map;

/**
 * The last date a sink's target stores bars for, per symbol ({@code prices --since-last}), read by its
 * {@code --sink} URI before a run is planned. Symbols with nothing stored are absent from the answer.
 */
public interface StoredDates extends Capability {
    Map<Symbol, LocalDate> lastStoredDates(String uri, Settings settings, Collection<Symbol> symbols, Interval interval);
}
