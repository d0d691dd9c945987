package io.stockingest.core.testkit;

import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps daily bars in memory by (symbol, date), honouring skip and overwrite like the lake. */
public final class InMemorySink implements Sink, StoredTail {
    private final Map<String, Bar> bars = new ConcurrentHashMap<>();
    private final List<Rejected> quarantine = new CopyOnWriteArrayList<>();
    private final List<RunReport> runs = new CopyOnWriteArrayList<>();
    private final List<io.stockingest.core.model.Quote> quotes = new CopyOnWriteArrayList<>();
    private final List<Integer> quoteBatches = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;
    private volatile RuntimeException flushFailure;

    @Override
    public String name() {
        return "memory";
    }

    /** Makes every later write fail with {@code e}. */
    public void failWith(RuntimeException e) {
        this.failure = e;
    }

    /** Makes every later flush fail with {@code e} (a buffering sink whose load fails at commit). */
    public void failFlushWith(RuntimeException e) {
        this.flushFailure = e;
    }

    @Override
    public void flush() {
        if (flushFailure != null) {
            throw flushFailure;
        }
    }

    @Override
    public WriteResult writeBars(BarBatch batch) {
        if (failure != null) {
            throw failure;
        }
        long written = 0;
        long skipped = 0;
        for (Bar bar : batch.bars()) {
            String key = bar.symbol() + "/" + (bar.interval().isIntraday() ? bar.ts() : bar.date());
            if (batch.options().existing() == WriteOptions.Existing.SKIP && bars.containsKey(key)) {
                skipped++;
            } else {
                bars.put(key, bar);
                written++;
            }
        }
        return new WriteResult(written, skipped, written);
    }

    @Override
    public WriteResult writeQuotes(List<io.stockingest.core.model.Quote> batch, RunContext context) {
        quotes.addAll(batch);
        quoteBatches.add(batch.size());
        return new WriteResult(1, 0, batch.size());
    }

    public List<io.stockingest.core.model.Quote> quotes() {
        return List.copyOf(quotes);
    }

    /** The size of every quote batch written, in order. */
    public List<Integer> quoteBatches() {
        return List.copyOf(quoteBatches);
    }

    @Override
    public void writeQuarantine(List<Rejected> rejected, RunContext context) {
        quarantine.addAll(rejected);
    }

    @Override
    public void writeRun(RunReport report) {
        runs.removeIf(r -> r.runId().equals(report.runId())); // one record per run, as every sink keeps it
        runs.add(report);
    }

    @Override
    public Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged) {
        Map<Symbol, List<Session>> out = new HashMap<>();
        firstChanged.forEach((symbol, first) -> {
            List<Session> sessions = bars.values().stream()
                    .filter(b -> b.symbol().equals(symbol) && !b.interval().isIntraday() && b.date().isBefore(first))
                    .map(Session::of).sorted(java.util.Comparator.comparing(Session::date)).toList();
            out.put(symbol, sessions.subList(Math.max(0, sessions.size() - SESSIONS), sessions.size()));
        });
        return out;
    }

    public Map<String, Bar> bars() {
        return new TreeMap<>(bars);
    }

    public List<Rejected> quarantine() {
        return List.copyOf(quarantine);
    }

    public List<RunReport> runs() {
        return new ArrayList<>(runs);
    }
}
