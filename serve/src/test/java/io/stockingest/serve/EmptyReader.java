package io.stockingest.serve;

import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.Table;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A sink that holds nothing: what a fresh lake or an empty schema reads as (the real ones run in app's tests). */
class EmptyReader implements SinkReader {
    @Override
    public String describe() {
        return "empty";
    }

    @Override
    public List<String> symbols() {
        return List.of();
    }

    @Override
    public Table daily(Symbol symbol, LocalDate from, LocalDate to) {
        return Table.empty(List.of("date", "open", "high", "low", "close", "adj_close", "volume", "ma_20", "ma_50", "volatility_20d"));
    }

    @Override
    public List<String> intervals(Symbol symbol) {
        return List.of();
    }

    @Override
    public Table intraday(Symbol symbol, String interval, LocalDate from, LocalDate to) {
        return Table.empty(List.of("ts", "date", "open", "high", "low", "close", "volume"));
    }

    @Override
    public Table cumulative(Symbol symbol, LocalDate from, LocalDate to) {
        return Table.empty(List.of("date", "opens", "highs", "lows", "closes", "volumes", "avg_7_day_volume", "volatility_7_day"));
    }

    @Override
    public Table actions(Symbol symbol) {
        return Table.empty(List.of("type", "ex_date", "amount", "numerator", "denominator", "pay_date"));
    }

    @Override
    public List<LocalDate> optionDates(Symbol underlying) {
        return List.of();
    }

    @Override
    public Table optionChain(Symbol underlying, LocalDate date) {
        return Table.empty(List.of("contract", "contract_type", "expiration", "strike", "bid", "ask", "bid_size", "ask_size", "midpoint", "last_price",
                "implied_volatility", "delta", "gamma", "theta", "vega", "open_interest", "day_volume", "underlying_price"));
    }

    @Override
    public Table fundamentals(Symbol symbol) {
        return Table.empty(List.of("statement_type", "period", "fiscal_year", "period_end", "currency", "line_items"));
    }

    @Override
    public List<String> runDocuments(int limit) {
        return List.of();
    }

    @Override
    public Optional<String> runDocument(String runId) {
        return Optional.empty();
    }

    @Override
    public Table quarantine(String rule, Symbol symbol, LocalDate from, LocalDate to, int limit) {
        return Table.empty(List.of("run_id", "symbol", "interval", "date", "ts", "rule", "detail", "open", "high", "low", "close", "volume"));
    }

    @Override
    public Table quarantineCounts(String rule, Symbol symbol, LocalDate from, LocalDate to) {
        return Table.empty(List.of("rule", "symbol", "date", "rows"));
    }

    @Override
    public StoredSessions storedSessions() {
        return (symbols, interval, range) -> {
            Map<Symbol, StoredSessions.Stored> none = new LinkedHashMap<>();
            symbols.forEach(s -> none.put(s, StoredSessions.Stored.NONE));
            return none;
        };
    }

    @Override
    public void close() {}
}
