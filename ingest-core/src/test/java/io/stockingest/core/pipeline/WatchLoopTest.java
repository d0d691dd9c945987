package io.stockingest.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Source;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.InMemorySink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class WatchLoopTest {
    private static final Symbol AAPL = Symbol.parse("AAPL");
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** Quotes stamped with the fake clock's now; {@code behaviour} may throw for poll number n. */
    private static final class ClockSource implements Source {
        final FakeTicker ticker;
        final AtomicInteger polls = new AtomicInteger();
        final IntFunction<RuntimeException> behaviour;
        final List<Instant> pollTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<List<Symbol>> polled = new java.util.concurrent.CopyOnWriteArrayList<>();

        ClockSource(FakeTicker ticker, IntFunction<RuntimeException> behaviour) {
            this.ticker = ticker;
            this.behaviour = behaviour;
        }

        @Override
        public String name() {
            return "clock";
        }

        @Override
        public Set<Dataset> datasets() {
            return Set.of(Dataset.QUOTES);
        }

        @Override
        public List<Bar> fetchBars(BarRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Quote> fetchQuotes(List<Symbol> symbols) {
            int n = polls.incrementAndGet();
            pollTimes.add(ticker.now());
            polled.add(List.copyOf(symbols));
            RuntimeException failure = behaviour.apply(n);
            if (failure != null) {
                throw failure;
            }
            return List.of(new Quote(AAPL, ticker.now(), 100 + n, null, null, null, null, null, null, null, "REGULAR", "clock"));
        }
    }

    private static Instant ny(LocalDate date, int hour, int minute) {
        return ZonedDateTime.of(date, LocalTime.of(hour, minute), NyseCalendar.NEW_YORK).toInstant();
    }

    private RunReport run(FakeTicker ticker, ClockSource source, InMemorySink sink, WatchLoop.Until until, WatchLoop[] holder) {
        return run(ticker, source, sink, until, holder, List.of(AAPL));
    }

    private RunReport run(FakeTicker ticker, ClockSource source, InMemorySink sink, WatchLoop.Until until, WatchLoop[] holder, List<Symbol> symbols) {
        WatchLoop loop = new WatchLoop(source, List.of(sink), Calendars.standard(), ticker, new PrintStream(log, true, StandardCharsets.UTF_8));
        if (holder != null) {
            holder[0] = loop;
        }
        return loop.run(new WatchLoop.Job(symbols, Duration.ofSeconds(60), Duration.ofMinutes(5), BarRequest.Hours.REGULAR, until),
                RunContext.start("watch", "clock", ticker.now()));
    }

    @Test
    void sleepsThroughTheWeekendThenPollsEveryMinuteUntilTheClose() {
        LocalDate friday = LocalDate.of(2024, 9, 27);
        LocalDate monday = LocalDate.of(2024, 9, 30);
        FakeTicker ticker = new FakeTicker(ny(friday, 17, 0));
        ClockSource source = new ClockSource(ticker, n -> null);
        InMemorySink sink = new InMemorySink();
        RunReport report = run(ticker, source, sink, WatchLoop.Until.CLOSE, null);

        assertThat(log.toString()).contains("sleeping until 2024-09-30T09:30-04:00");
        assertThat(source.pollTimes.getFirst()).isEqualTo(ny(monday, 9, 30));
        assertThat(source.pollTimes.getLast()).isEqualTo(ny(monday, 15, 59));
        assertThat(source.polls.get()).isEqualTo(390);
        for (int i = 1; i < source.pollTimes.size(); i++) {
            assertThat(Duration.between(source.pollTimes.get(i - 1), source.pollTimes.get(i))).isEqualTo(Duration.ofSeconds(60));
        }
        assertThat(sink.quotes()).hasSize(390).allSatisfy(q -> {
            assertThat(q.time()).isAfterOrEqualTo(ny(monday, 9, 30)).isBefore(ny(monday, 16, 0));
        });
        // a flush every 5 minutes of clock time (09:35, 09:40, ...) and one at the close
        assertThat(sink.quoteBatches()).hasSize(78).startsWith(6, 5, 5).endsWith(5, 4);
        assertThat(sink.quoteBatches().stream().mapToInt(Integer::intValue).sum()).isEqualTo(390);
        assertThat(report.exitCode()).isZero();
        assertThat(sink.runs()).hasSize(1);
        assertThat(ticker.now()).isEqualTo(ny(monday, 16, 0));
    }

    @Test
    void pollsEachSymbolOnlyDuringItsOwnVenuesHours() {
        Symbol bitcoin = Symbol.parse("BTC-USD");
        Symbol shanghai = Symbol.parse("600497.SS");
        LocalDate monday = LocalDate.of(2024, 9, 30);
        // Sunday 2024-09-29 23:00 UTC: crypto trades, Shanghai opens Monday 09:30 (01:30 UTC), the NYSE at 13:30 UTC
        FakeTicker ticker = new FakeTicker(Instant.parse("2024-09-29T23:00:00Z"));
        WatchLoop[] loop = new WatchLoop[1];
        ClockSource source = new ClockSource(ticker, n -> {
            if (ticker.now().isAfter(ny(monday, 9, 45))) {
                loop[0].stop();
            }
            return null;
        });
        run(ticker, source, new InMemorySink(), WatchLoop.Until.STOPPED, loop, List.of(AAPL, bitcoin, shanghai));

        assertThat(source.polled.getFirst()).as("Sunday night: crypto only").containsExactly(bitcoin);
        int firstShanghai = source.pollTimes.indexOf(Instant.parse("2024-09-30T01:30:00Z"));
        assertThat(firstShanghai).as("a poll at Shanghai's open, not a minute late").isPositive();
        assertThat(source.polled.get(firstShanghai)).containsExactly(bitcoin, shanghai);
        int lunch = source.pollTimes.indexOf(Instant.parse("2024-09-30T03:30:00Z"));
        assertThat(lunch).as("Shanghai's lunch break starts at 11:30, a poll there").isPositive();
        assertThat(source.polled.get(lunch)).as("but without Shanghai").containsExactly(bitcoin);
        int nyse = source.pollTimes.indexOf(ny(monday, 9, 30));
        assertThat(source.polled.get(nyse)).containsExactly(AAPL, bitcoin);
    }

    @Test
    void backsOffExponentiallyWhenTheProviderFailsAndNeverSpins() {
        LocalDate monday = LocalDate.of(2024, 9, 30);
        FakeTicker ticker = new FakeTicker(ny(monday, 10, 0));
        ClockSource source = new ClockSource(ticker, n -> n <= 4 ? new IngestException(ErrorKind.THROTTLED, "throttled by clock") : null);
        WatchLoop[] loop = new WatchLoop[1];
        InMemorySink sink = new InMemorySink();
        ClockSource stopping = new ClockSource(ticker, n -> {
            if (n == 6) {
                loop[0].stop();
            }
            return source.behaviour.apply(n);
        });
        RunReport report = run(ticker, stopping, sink, WatchLoop.Until.STOPPED, loop);
        List<Instant> times = stopping.pollTimes;
        assertThat(Duration.between(times.get(0), times.get(1))).isEqualTo(Duration.ofSeconds(60));
        assertThat(Duration.between(times.get(1), times.get(2))).isEqualTo(Duration.ofSeconds(120));
        assertThat(Duration.between(times.get(2), times.get(3))).isEqualTo(Duration.ofSeconds(240));
        assertThat(Duration.between(times.get(3), times.get(4))).isEqualTo(Duration.ofSeconds(300));
        assertThat(Duration.between(times.get(4), times.get(5))).isEqualTo(Duration.ofSeconds(60));
        assertThat(report.errors()).hasSize(4).allSatisfy(e -> assertThat(e).contains("throttled by clock"));
        assertThat(sink.quotes()).hasSize(2);
    }

    @Test
    void stopFlushesWhatIsBufferedAndWritesMetrics() {
        FakeTicker ticker = new FakeTicker(ny(LocalDate.of(2024, 9, 30), 10, 0));
        WatchLoop[] loop = new WatchLoop[1];
        InMemorySink sink = new InMemorySink();
        ClockSource source = new ClockSource(ticker, n -> {
            if (n == 3) {
                loop[0].stop();
            }
            return null;
        });
        RunReport report = run(ticker, source, sink, WatchLoop.Until.STOPPED, loop);
        assertThat(source.polls.get()).isEqualTo(3);
        assertThat(sink.quotes()).hasSize(3);
        assertThat(sink.runs()).containsExactly(report);
    }

    @Test
    void aPlanWithoutQuotesStopsTheLoopAfterFlushingAndWritingMetricsWithExit2() {
        FakeTicker ticker = new FakeTicker(ny(LocalDate.of(2024, 9, 30), 10, 0));
        InMemorySink sink = new InMemorySink();
        ClockSource source = new ClockSource(ticker, n -> n == 3 ? new IngestException(ErrorKind.NOT_ENTITLED,
                "Cannot fetch quotes of AAPL from clock: 403 NOT_AUTHORIZED (no snapshots on this plan)") : null);

        assertThatThrownBy(() -> run(ticker, source, sink, WatchLoop.Until.STOPPED, null))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessage("Cannot fetch quotes of AAPL from clock: 403 NOT_AUTHORIZED (no snapshots on this plan); the plan does not include live"
                        + " quotes for any of the watched symbols, so watch stopped (choose another --source or plan)");
        assertThat(source.polls.get()).as("not retried").isEqualTo(3);
        assertThat(sink.quotes()).as("the two quotes polled before are flushed").hasSize(2);
        assertThat(sink.runs()).singleElement().satisfies(r -> assertThat(r.errors()).singleElement().asString().contains("NOT_AUTHORIZED"));
        assertThat(log.toString()).contains("stopping (retrying cannot help)");
    }

    @Test
    void aSymbolTheProviderNeverQuotesIsNamedOnceInTheLogAndInTheRunsErrors() {
        FakeTicker ticker = new FakeTicker(ny(LocalDate.of(2024, 9, 30), 10, 0));
        WatchLoop[] loop = new WatchLoop[1];
        InMemorySink sink = new InMemorySink();
        ClockSource source = new ClockSource(ticker, n -> {
            if (n == 4) {
                loop[0].stop();
            }
            return null;
        });
        Symbol typo = Symbol.parse("APPL");
        RunReport report = run(ticker, source, sink, WatchLoop.Until.STOPPED, loop, List.of(AAPL, typo, typo));

        assertThat(source.polls.get()).isEqualTo(4);
        assertThat(log.toString().lines().filter(line -> line.contains("APPL")))
                .containsExactly("watch: clock has sent no quote for APPL yet (a symbol it does not know, one the plan leaves out, or one not trading); "
                        + "still polling it");
        assertThat(log.toString()).doesNotContain("quote for AAPL");
        assertThat(report.errors()).containsExactly("APPL: no quote in any of 4 polls (clock does not know it, or the plan leaves it out)");
        assertThat(report.exitCode()).as("the other symbols were watched").isZero();
        assertThat(sink.quotes()).hasSize(4);
    }

    @Test
    void aLostInstanceClaimStopsTheLoopAfterFlushingAndWritingMetricsWithExit2() {
        FakeTicker ticker = new FakeTicker(ny(LocalDate.of(2024, 9, 30), 10, 0));
        InMemorySink sink = new InMemorySink();
        ClockSource source = new ClockSource(ticker, n -> null);
        WatchLoop loop = new WatchLoop(source, List.of(sink), Calendars.standard(), ticker, new PrintStream(log, true, StandardCharsets.UTF_8));
        String reason = "the instance lease .watch.lock on s3://market/lake was taken over by another process (pid 7, since 2024-09-30T14:02:00Z)";
        java.util.concurrent.atomic.AtomicReference<String> lost = new java.util.concurrent.atomic.AtomicReference<>();
        ClockSource losing = new ClockSource(ticker, n -> {
            if (n == 3) {
                lost.set(reason);
            }
            return null;
        });
        WatchLoop.Job job = new WatchLoop.Job(List.of(AAPL), Duration.ofSeconds(60), Duration.ofMinutes(5), BarRequest.Hours.REGULAR,
                WatchLoop.Until.STOPPED);

        lost.set(reason); // lost before the first wake-up: no poll at all
        assertThatThrownBy(() -> loop.run(job, RunContext.start("watch", "clock", ticker.now()), () -> java.util.Optional.ofNullable(lost.get())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                .hasMessage(reason + "; watch stopped");
        assertThat(losing.polls.get()).as("no poll after the claim was lost").isZero();
        assertThat(source.polls.get()).isZero();
        assertThat(sink.quotes()).isEmpty();

        // the same with the losing source: three polls, then the loop stops at its next wake-up and flushes them
        WatchLoop second = new WatchLoop(losing, List.of(sink), Calendars.standard(), ticker, new PrintStream(log, true, StandardCharsets.UTF_8));
        lost.set(null);
        assertThatThrownBy(() -> second.run(job, RunContext.start("watch", "clock", ticker.now()), () -> java.util.Optional.ofNullable(lost.get())))
                .hasMessage(reason + "; watch stopped");
        assertThat(losing.polls.get()).isEqualTo(3);
        assertThat(sink.quotes()).as("the three polls are flushed").hasSize(3);
        assertThat(second.lastReport()).get().satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.status()).isEqualTo("stopped");
            assertThat(r.errors()).singleElement().asString().endsWith(reason);
        });
        assertThat(log.toString()).contains("watch: " + reason + "; stopping");
    }

    @Test
    void aRejectedKeyStopsTheLoopAsAuth() {
        FakeTicker ticker = new FakeTicker(ny(LocalDate.of(2024, 9, 30), 10, 0));
        ClockSource source = new ClockSource(ticker, n -> new IngestException(ErrorKind.AUTH, "clock rejected the API key"));

        assertThatThrownBy(() -> run(ticker, source, new InMemorySink(), WatchLoop.Until.STOPPED, null))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH))
                .hasMessage("clock rejected the API key; watch stopped");
        assertThat(source.polls.get()).isEqualTo(1);
    }
}
