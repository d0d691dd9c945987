package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Financial Modeling Prep: daily and intraday bars, income/balance/cash-flow statements, dividends and splits.
 *
 * Each dataset has its own class: {@link FmpBars}, {@link FmpStatements}, {@link FmpActions}, {@link FmpQuotes}.
 *
 * <h2>Budget</h2>
 * On a plan counted per day (free: 250 calls) {@link #checkBudget} refuses, before the first request, a run that
 * needs more calls than are left today (calls of earlier runs are counted in {@code FMP_USAGE_FILE}), and the
 * client refuses to send a call once the day's budget is used.
 *
 * <p>Thread-safe.
 */
public final class FmpSource implements Source {
    /** What it provides; its factory declares the same without creating one. */
    static final Set<Dataset> DATASETS = Set.of(Dataset.PRICES, Dataset.FUNDAMENTALS, Dataset.ACTIONS, Dataset.QUOTES);

    private final FmpClient client;
    private final FmpBars bars;
    private final FmpStatements statements;
    private final FmpActions actions;
    private final FmpQuotes quotes;

    public FmpSource(FmpClient client, NyseCalendar calendar, Ticker ticker) {
        this.client = requireNonNull(client, "client is null");
        this.bars = new FmpBars(client, calendar, ticker);
        this.statements = new FmpStatements(client);
        this.actions = new FmpActions(client);
        this.quotes = new FmpQuotes(client);
    }

    @Override
    public String name() {
        return FmpClient.PROVIDER;
    }

    @Override
    public Set<Dataset> datasets() {
        return DATASETS;
    }

    @Override
    public List<BarRequest> planBars(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
        return bars.plan(symbols, interval, range, hours);
    }

    @Override
    public void checkBudget(int plannedCalls) {
        OptionalInt budget = client.config().dailyBudget();
        if (budget.isEmpty()) {
            return;
        }
        int used = client.callsToday();
        int remaining = Math.max(0, budget.getAsInt() - used);
        if (plannedCalls > remaining) {
            String left = used == 0 ? "" : " and " + used + " were already used today (UTC"
                    + client.usageFile().map(file -> ", counted in " + file).orElse("") + "), so " + remaining + " are left";
            throw new IngestException(ErrorKind.CONFIG, "This run needs " + plannedCalls + (plannedCalls == 1 ? " FMP call" : " FMP calls") + " but the " + client.config().plan().code()
                    + " plan allows " + budget.getAsInt() + " a day" + left + ": fetch fewer symbols or a shorter range, split the run over "
                    + "several days, or set " + FmpConfig.PLAN + " to your paid plan (starter, premium, ultimate) or " + FmpConfig.RATE_LIMIT
                    + " to its limit");
        }
    }

    @Override
    public List<Bar> fetchBars(BarRequest request) {
        return bars.fetch(request);
    }

    @Override
    public List<FinancialStatement> fetchStatements(Symbol symbol, StatementType type, Period period, int limit) {
        return statements.fetch(symbol, type, period, limit);
    }

    @Override
    public List<CorporateAction> fetchActions(Symbol symbol, DateRange range) {
        return actions.fetch(symbol, range);
    }

    /** Live quotes from {@code /stable/quote}, one call per symbol ({@link FmpQuotes}). */
    @Override
    public List<Quote> fetchQuotes(List<Symbol> symbols) {
        return quotes.fetch(symbols);
    }

    @Override
    public void close() {
        client.close();
    }
}
