package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which sessions a sink already holds (a {@link Capability} of an opened sink), asked before a run is planned so that {@code prices} fetches only what is
 * missing and {@code coverage} can report gaps. Offered by an opened {@link Sink} that can answer cheaply: a lake by
 * one listing per symbol prefix (never a probe per daily file; a yearly file is read, its date column only, since its
 * key does not say which sessions of its year it holds), a database by one query.
 *
 * <p>Thread-safe. Failures are {@link io.stockingest.core.IngestException}s of kind {@code SINK} with no secret in
 * the message.
 */
public interface StoredSessions extends Capability {
    /**
     * For each of {@code symbols} (every one is a key, with {@link Stored#NONE} when nothing is stored), the dates in
     * {@code range} this sink holds bars of {@code interval} for.
     */
    Map<Symbol, Stored> storedSessions(Collection<Symbol> symbols, Interval interval, DateRange range);

    /**
     * The runs of consecutive {@code sessions} (in order) not {@code held}, each as the range from its first to its
     * last missing session.
     */
    static List<DateRange> gaps(List<LocalDate> sessions, Predicate<LocalDate> held) {
        List<DateRange> gaps = new ArrayList<>();
        LocalDate start = null;
        LocalDate end = null;
        for (LocalDate session : sessions) {
            if (held.test(session)) {
                if (start != null) {
                    gaps.add(new DateRange(start, end));
                    start = null;
                }
            } else {
                start = start == null ? session : start;
                end = session;
            }
        }
        if (start != null) {
            gaps.add(new DateRange(start, end));
        }
        return List.copyOf(gaps);
    }

    /**
     * What a sink holds for one symbol: the dates it has bars for (a daily or intraday file, a row, or the sessions
     * inside a yearly lake file, read from its {@code date} column).
     */
    record Stored(Set<LocalDate> dates) {
        public static final Stored NONE = new Stored(Set.of());

        public Stored {
            dates = Set.copyOf(requireNonNull(dates, "dates is null"));
        }

        public boolean covers(LocalDate date) {
            return dates.contains(date);
        }
    }
}
