package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * Polygon.io / Massive (providers.md §2): aggregates of every interval, grouped daily, options chain snapshots,
 * option contracts, splits and dividends.
 *
 * Each dataset has its own class: {@link PolygonBars} (with the planning of requests), {@link PolygonOptions},
 * {@link PolygonActions}, {@link PolygonQuotes}.
 *
 * <p>Thread-safe.
 */
public final class PolygonSource implements Source {
    /** What it provides; its factory declares the same without creating one. */
    static final Set<Dataset> DATASETS = Set.of(Dataset.PRICES, Dataset.OPTIONS, Dataset.ACTIONS, Dataset.QUOTES);

    static final String NAME = PolygonClient.PROVIDER;
    private final PolygonClient client;
    private final PolygonBars bars;
    private final PolygonOptions options;
    private final PolygonActions actions;
    private final PolygonQuotes quotes;

    PolygonSource(PolygonClient client, NyseCalendar calendar, Ticker ticker) {
        this.client = requireNonNull(client, "client is null");
        this.bars = new PolygonBars(client, calendar, ticker);
        this.options = new PolygonOptions(client, calendar, ticker);
        this.actions = new PolygonActions(client);
        this.quotes = new PolygonQuotes(client);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Dataset> datasets() {
        return DATASETS;
    }

    /** See {@link PolygonBars#plan}: grouped daily when it takes fewer calls, else per-symbol range requests. */
    @Override
    public List<BarRequest> planBars(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
        return bars.plan(symbols, interval, range, hours);
    }

    @Override
    public List<Bar> fetchBars(BarRequest request) {
        return bars.fetch(request);
    }

    /** See {@link PolygonOptions#chain}. */
    @Override
    public List<OptionSnapshot> fetchOptionChain(Symbol underlying, LocalDate expirationFrom, LocalDate expirationTo) {
        return options.chain(underlying, expirationFrom, expirationTo);
    }

    /** The contracts reference, for plans without snapshots ({@link PolygonOptions#contracts}). */
    public List<OptionSnapshot> fetchOptionContracts(Symbol underlying, LocalDate expirationFrom, LocalDate expirationTo) {
        return options.contracts(underlying, expirationFrom, expirationTo);
    }

    /** See {@link PolygonActions#fetch}. */
    @Override
    public List<CorporateAction> fetchActions(Symbol symbol, DateRange range) {
        return actions.fetch(symbol, range);
    }

    /** Live quotes from the stocks snapshot, many tickers per request ({@link PolygonQuotes}). */
    @Override
    public List<Quote> fetchQuotes(List<Symbol> symbols) {
        return quotes.fetch(symbols);
    }

    @Override
    public void close() {
        client.close();
    }
}
