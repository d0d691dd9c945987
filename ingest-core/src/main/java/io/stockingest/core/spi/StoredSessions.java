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
     * For each of {@code symbols} (every one is a key), what this sink holds ({@link #storedSessions}) and the
     * sessions it recorded as checked ({@link #recordChecked}) in {@code range}. Planning skips both unless
     * {@code --recheck}. The default knows no checked session; a sink that records them answers from the same kind of
     * cheap read (a listing, a query).
     */
    default Map<Symbol, Known> knownSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        Map<Symbol, Known> known = new java.util.LinkedHashMap<>();
        storedSessions(symbols, interval, range).forEach((symbol, stored) -> known.put(symbol, new Known(stored, Map.of())));
        return known;
    }

    /**
     * For each of {@code symbols}, a tag that changes whenever what {@link #knownSessions} answers for it may change:
     * read as cheaply as a listing (a lake: the names and versions under the symbol's folder, never a file's content),
     * so that a reader that keeps answers in memory (the dashboard's coverage) can tell which symbols to read again.
     * Read the tags <em>before</em> the sessions they vouch for: a change between the two then shows as a new tag
     * on the next look. Empty (the default) when this sink cannot tell; a caller then reads everything each time.
     */
    default java.util.Optional<Map<Symbol, String>> stateTags(Collection<Symbol> symbols, Interval interval) {
        return java.util.Optional.empty();
    }

    /**
     * Whether {@code prices --dry-run} may ask this sink (a dry run fetches and writes nothing, and some sinks promise
     * it does not even connect). True by default: a lake answers from a listing. A sink whose every answer is a
     * query on a remote warehouse (Snowflake) says false; a dry run then plans the whole job for every sink, which is
     * the most a run would ask, and says so.
     */
    default boolean answersDryRuns() {
        return true;
    }

    /**
     * Records sessions a run asked for and found settled without a bar to store: the provider had none (a halt, before
     * an IPO, after a delisting) or its row was quarantined. A later run does not ask for them again (unless
     * {@code --recheck}) and so does not quarantine the same row twice. Called once per run with everything it
     * checked for this sink, after the run's quarantine is written. Must survive a crash (a record is whole or
     * absent) and be safe with several {@code --shard} processes recording at once; recording a session twice is
     * harmless. The default records nothing (the sessions are asked again).
     */
    default void recordChecked(Interval interval, Map<Symbol, Map<LocalDate, Checked>> checked, RunContext context) {}

    /** Why a session without a stored bar was recorded as checked. */
    enum Checked {
        /** The provider returned no bar for it. */
        EMPTY,
        /** Its row broke a row rule and went to the quarantine. */
        QUARANTINED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Checked parse(String code) {
            return valueOf(code.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** What a sink knows of one symbol: the sessions it holds and those it recorded as checked. */
    record Known(Stored stored, Map<LocalDate, Checked> checked) {
        public static final Known NONE = new Known(Stored.NONE, Map.of());

        public Known {
            requireNonNull(stored, "stored is null");
            checked = Map.copyOf(requireNonNull(checked, "checked is null"));
        }

        /** Held or checked: a run without {@code --recheck} does not ask for it. */
        public boolean settled(LocalDate date) {
            return stored.dates().contains(date) || checked.containsKey(date);
        }
    }

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
