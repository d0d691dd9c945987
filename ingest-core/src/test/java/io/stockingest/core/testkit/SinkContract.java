package io.stockingest.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.WriteOptions;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Sink} must do (the contract in {@link Sink}'s Javadoc), run by each sink against a real target:
 * memory, a local lake directory, an S3-compatible server, PostgreSQL. A subclass gives a fresh {@link Target} per
 * test and reads back what a reader of that target sees.
 *
 * <ul>
 *   <li>writing the same batch again leaves the target as one write did (idempotent rewrite);</li>
 *   <li>a batch is visible whole or not at all, and wholly once {@code flush} returns;</li>
 *   <li>the quarantine and the run record are stored;</li>
 *   <li>two sinks on one target, written from many threads at once, store every bar once;</li>
 *   <li>everything written before {@code flush} survives {@code close}, and a new sink on the target sees it;</li>
 *   <li>a sink offering {@link StoredTail} answers the last 49 stored sessions before a date, oldest first.</li>
 * </ul>
 */
public abstract class SinkContract {
    private static final Symbol AAPL = Symbol.parse("AAPL");
    private static final Instant STARTED = Instant.parse("2024-10-01T00:00:00Z");

    /** A bar as a reader of the target sees it. */
    public record StoredBar(String symbol, LocalDate date, double open, double high, double low, double close, long volume) {
        public static StoredBar of(Bar bar) {
            return new StoredBar(bar.symbol().value(), bar.date(), bar.open(), bar.high(), bar.low(), bar.close(), bar.volume());
        }
    }

    /** One destination (a directory, a bucket prefix, a schema) and a reader of it. */
    public interface Target {
        /** A new sink on this target (a second call gives a second, independent writer). */
        Sink open();

        /** The daily bars a reader sees now, in any order. */
        List<StoredBar> dailyBars();

        /** The rules of the quarantined rows a reader sees now. */
        List<String> quarantinedRules();

        /** The ids of the runs recorded. */
        List<String> runIds();
    }

    /** A fresh, empty target. */
    protected abstract Target newTarget();

    protected static RunContext context(String runId) {
        return new RunContext(runId, "prices", "test", STARTED, STARTED.plusMillis(123));
    }

    protected static Bar bar(Symbol symbol, LocalDate date, double close) {
        Instant ts = NyseCalendar.instance().session(date).orElseThrow().openInstant();
        return new Bar(symbol, Interval.D1, ts, date, close - 1, close + 1, close - 2, close, close, 1_000L + (long) close, null, null, "test",
                Adjustment.SPLITS);
    }

    /** {@code n} sessions of {@code symbol} from 2024-09-03. */
    protected static List<Bar> series(Symbol symbol, int n, double base) {
        List<Bar> out = new ArrayList<>();
        LocalDate day = LocalDate.of(2024, 9, 3);
        for (int i = 0; i < n; i++) {
            out.add(bar(symbol, day, base + i));
            day = NyseCalendar.instance().nextSession(day);
        }
        return out;
    }

    protected static BarBatch batch(List<Bar> bars, String runId) {
        return new BarBatch(bars.getFirst().symbol(), Interval.D1, new DateRange(bars.getFirst().date(), bars.getLast().date()), bars,
                WriteOptions.DEFAULT, context(runId));
    }

    private static List<StoredBar> stored(List<Bar> bars) {
        return bars.stream().map(StoredBar::of).toList();
    }

    @Test
    void writingTheSameBatchAgainLeavesWhatOneWriteLeft() {
        Target target = newTarget();
        List<Bar> bars = series(AAPL, 5, 100);
        try (Sink sink = target.open()) {
            sink.writeBars(batch(bars, "1"));
            sink.flush();
        }
        List<StoredBar> once = target.dailyBars();
        assertThat(once).as("after one write").containsExactlyInAnyOrderElementsOf(stored(bars));
        try (Sink sink = target.open()) {
            sink.writeBars(batch(bars, "2"));
            sink.flush();
        }
        assertThat(target.dailyBars()).as("after writing the same batch again").containsExactlyInAnyOrderElementsOf(once);
    }

    @Test
    void aBatchIsVisibleWholeOrNotAtAllAndWhollyAfterFlush() {
        Target target = newTarget();
        List<Bar> bars = series(AAPL, 20, 50);
        try (Sink sink = target.open()) {
            sink.writeBars(batch(bars, "1"));
            assertThat(target.dailyBars().size()).as("bars visible before flush (none, or all %s)", bars.size()).isIn(0, bars.size());
            sink.flush();
            assertThat(target.dailyBars()).as("bars visible after flush").containsExactlyInAnyOrderElementsOf(stored(bars));
        }
    }

    @Test
    void storesTheQuarantineAndTheRunRecord() {
        Target target = newTarget();
        Bar broken = new Bar(AAPL, Interval.D1, bar(AAPL, LocalDate.of(2024, 9, 3), 10).ts(), LocalDate.of(2024, 9, 3), 10, 9, 8, 11, null, 5,
                null, null, "test", Adjustment.SPLITS);
        RunReport report = new RunReport("1727740800", "prices", "test", "1d", "2024-09-03", "2024-09-03", List.of("contract"), STARTED,
                STARTED.plusSeconds(5), 5000, 0, "succeeded", 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, Map.of("ohlc_consistent", 1L), List.of(), Map.of());
        try (Sink sink = target.open()) {
            sink.writeQuarantine(List.of(new Rejected(broken, "ohlc_consistent", "open 10.0 high 9.0 low 8.0 close 11.0")), context("1727740800"));
            sink.writeRun(report);
            sink.flush();
        }
        assertThat(target.quarantinedRules()).as("quarantined rules").containsExactly("ohlc_consistent");
        assertThat(target.runIds()).as("recorded runs").containsExactly("1727740800");
    }

    @Test
    void twoWritersOnOneTargetFromManyThreadsStoreEveryBarOnce() throws Exception {
        Target target = newTarget();
        List<List<Bar>> batches = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            batches.add(series(Symbol.parse("S" + s), 8, 10 + s));
        }
        CountDownLatch start = new CountDownLatch(1);
        try (Sink first = target.open(); Sink second = target.open(); ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < batches.size() * 2; i++) {
                List<Bar> bars = batches.get(i % batches.size()); // every batch twice, once by each writer
                Sink sink = i < batches.size() ? first : second;
                String run = sink == first ? "1" : "2"; // each writer is one run, as in a real run
                writes.add(pool.submit(() -> {
                    start.await();
                    return sink.writeBars(batch(bars, run));
                }));
            }
            start.countDown();
            for (Future<?> write : writes) {
                write.get();
            }
            first.flush();
            second.flush();
        }
        assertThat(target.dailyBars()).as("every bar once")
                .containsExactlyInAnyOrderElementsOf(stored(batches.stream().flatMap(List::stream).toList()));
    }

    @Test
    void whatWasFlushedSurvivesCloseAndANewSinkSeesIt() {
        Target target = newTarget();
        List<Bar> first = series(AAPL, 3, 10);
        Sink sink = target.open();
        sink.writeBars(batch(first, "1"));
        sink.flush();
        sink.close();
        assertThat(target.dailyBars()).as("after flush and close").containsExactlyInAnyOrderElementsOf(stored(first));
        List<Bar> more = series(Symbol.parse("MSFT"), 2, 300);
        try (Sink next = target.open()) {
            next.writeBars(batch(more, "2"));
            next.flush();
        }
        List<Bar> all = new ArrayList<>(first);
        all.addAll(more);
        assertThat(target.dailyBars()).as("after a second sink on the target").containsExactlyInAnyOrderElementsOf(stored(all));
    }

    @Test
    void storedTailIsTheLast49StoredSessionsBeforeTheDateOldestFirst() {
        Target target = newTarget();
        List<Bar> bars = series(AAPL, 60, 100);
        List<Bar> other = series(Symbol.parse("MSFT"), 3, 300);
        try (Sink sink = target.open()) {
            sink.writeBars(batch(bars, "1"));
            sink.writeBars(batch(other, "1"));
            sink.flush();
        }
        try (Sink sink = target.open()) {
            java.util.Optional<StoredTail> tail = sink.capability(StoredTail.class);
            org.junit.jupiter.api.Assumptions.assumeTrue(tail.isPresent() && readsStoredTail(), "this sink offers no StoredTail here");
            LocalDate first = bars.get(55).date();
            Map<Symbol, List<Session>> answer = tail.orElseThrow().before(Map.of(AAPL, first, Symbol.parse("MSFT"), other.getFirst().date()));
            assertThat(answer.get(AAPL)).as("the 49 sessions before the 56th").containsExactlyElementsOf(
                    bars.subList(55 - StoredTail.SESSIONS, 55).stream().map(Session::of).toList());
            assertThat(answer.getOrDefault(Symbol.parse("MSFT"), List.of())).as("nothing stored before a series' first session").isEmpty();
        }
    }

    /** Whether this target can answer {@link StoredTail} queries (an offline executor that replays no rows cannot). */
    protected boolean readsStoredTail() {
        return true;
    }
}
