package io.stockingest.core.spi;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A market-data provider.
 *
 * <h2>Lifecycle</h2>
 * A source is created by its {@link SourceFactory} once per run, used from many threads at once (one virtual thread
 * per request, at most {@code MAX_WORKERS} in flight), and closed at the end of the run. Implementations are
 * thread-safe; they share one rate-limited, retrying transport for all their calls.
 *
 * <h2>Results</h2>
 * A fetch returns what the provider said, mapped to the model and nothing more: bars outside the requested range,
 * null bars and the provider's "live" partial bar are dropped; rows are not otherwise validated (the pipeline's
 * validator quarantines bad rows with the rule they broke). An empty list means the provider answered "no data";
 * a throttled or failed call never turns into an empty list.
 *
 * <h2>Errors</h2>
 * Every failure is an {@link IngestException} whose {@link ErrorKind} the source decides from the provider's status
 * and error body: {@code AUTH} for rejected credentials (the run stops), {@code NOT_FOUND} for an unknown symbol,
 * {@code NOT_ENTITLED} for plan restrictions, {@code THROTTLED}/{@code TRANSIENT} once retries are exhausted,
 * {@code BAD_RESPONSE} for unreadable bodies. Messages name the symbol, the range and the provider's own words.
 *
 * <h2>Idempotency</h2>
 * Fetching has no side effects; the pipeline may retry or repeat any request.
 */
public interface Source extends AutoCloseable {
    /** The name users select it by: {@code yahoo}, {@code fmp}, {@code polygon}. */
    String name();

    Set<io.stockingest.core.model.Dataset> datasets();

    /**
     * Splits a job into requests. The default makes one request per symbol for the whole range; sources override it
     * to respect their windows and caps, or to fetch many symbols in one call.
     */
    default List<BarRequest> planBars(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
        return symbols.stream().map(symbol -> BarRequest.of(symbol, interval, range, hours)).toList();
    }

    /** Fetches the bars of one planned request (all its symbols). */
    List<Bar> fetchBars(BarRequest request);

    default List<FinancialStatement> fetchStatements(Symbol symbol, StatementType type, Period period, int limit) {
        throw unsupported("fundamentals");
    }

    default List<OptionSnapshot> fetchOptionChain(Symbol underlying, LocalDate expirationFrom, LocalDate expirationTo) {
        throw unsupported("options");
    }

    default List<CorporateAction> fetchActions(Symbol symbol, DateRange range) {
        throw unsupported("actions");
    }

    /**
     * The latest quote of each symbol, many symbols per provider request where the provider allows it. Symbols the
     * provider has no quote for are absent. Throws {@code NOT_ENTITLED} only when the plan refuses the quotes of
     * every requested symbol ({@code watch} then stops with exit 2); symbols refused one by one are left out.
     */
    default List<Quote> fetchQuotes(List<Symbol> symbols) {
        throw unsupported("quotes");
    }

    /** How many provider calls a plan needs before the first one is sent; sources with a daily budget check it. */
    default void checkBudget(int plannedCalls) {}

    /**
     * A capability this source offers beyond fetching; empty when it offers none of that type. The default answers
     * with this source itself when it implements {@code type}; see {@link Capability}.
     */
    default <T extends Capability> Optional<T> capability(Class<T> type) {
        return Capability.of(this, type);
    }

    @Override
    default void close() {}

    /** Statement periodicity. */
    enum Period {
        ANNUAL,
        QUARTER
    }

    private IngestException unsupported(String what) {
        return new IngestException(ErrorKind.USAGE, "Source '" + name() + "' does not provide " + what);
    }
}
