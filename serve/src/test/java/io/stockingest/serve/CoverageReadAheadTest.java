package io.stockingest.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.StoredSessions;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The coverage read-ahead of a sink that keeps no counts in place (a lake): it reads no symbol while a request is being
 * answered, then every symbol, one at a time; a coverage request then reads only the symbols whose tag changed. A sink
 * without tags is not read ahead at all.
 */
class CoverageReadAheadTest {
    private static final LocalDate TODAY = LocalDate.of(2024, 10, 1);
    private static final List<String> SYMBOLS = IntStream.range(0, 10).mapToObj(i -> "S" + (char) ('A' + i)).toList();

    /** Ten symbols holding September 2024's first two sessions, each with a tag; counts the symbols each read asks for. */
    private static final class Listed extends EmptyReader {
        final Map<String, String> tags = new ConcurrentHashMap<>();
        final List<Integer> readSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        final CountDownLatch inRequest = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final boolean tagged;

        Listed(boolean tagged) {
            this.tagged = tagged;
            SYMBOLS.forEach(s -> tags.put(s, "v1"));
        }

        @Override
        public List<String> symbols() {
            return SYMBOLS;
        }

        /** A request that takes as long as the test says. */
        @Override
        public List<String> runDocuments(int limit) {
            inRequest.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        }

        @Override
        public StoredSessions storedSessions() {
            return new StoredSessions() {
                @Override
                public Map<Symbol, Stored> storedSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
                    readSizes.add(symbols.size());
                    reads.addAndGet(symbols.size());
                    Map<Symbol, Stored> out = new LinkedHashMap<>();
                    symbols.forEach(s -> out.put(s, new Stored(Set.of(LocalDate.of(2024, 9, 3), LocalDate.of(2024, 9, 4)))));
                    return out;
                }

                @Override
                public Optional<Map<Symbol, String>> stateTags(Collection<Symbol> symbols, Interval interval) {
                    if (!tagged) {
                        return Optional.empty();
                    }
                    Map<Symbol, String> out = new LinkedHashMap<>();
                    symbols.forEach(s -> out.put(s, tags.get(s.value())));
                    return Optional.of(out);
                }
            };
        }
    }

    @Test
    void yieldsToRequestsThenReadsEverySymbolOnce() throws Exception {
        Listed reader = new Listed(true);
        DashboardApi api = new DashboardApi(reader, TODAY);
        Thread request = Thread.ofPlatform().start(() -> api.answer("/runs", Map.of()));
        assertThat(reader.inRequest.await(10, TimeUnit.SECONDS)).isTrue();
        Thread readAhead = Thread.ofPlatform().start(() -> {
            try {
                api.warmUp();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(300);
        assertThat(reader.reads).as("nothing read while a request is being answered").hasValue(0);
        reader.release.countDown();
        request.join(10_000);
        readAhead.join(10_000);
        assertThat(readAhead.isAlive()).isFalse();
        assertThat(reader.reads).as("every symbol once").hasValue(10);
        assertThat(reader.readSizes).as("one symbol at a time").containsOnly(1);

        DashboardApi.Answer coverage = api.answer("/coverage", Map.of());
        assertThat(coverage.status()).isEqualTo(200);
        assertThat(coverage.body().get("symbols")).hasSize(10);
        assertThat(coverage.body().get("cells").toString()).startsWith("[[0,0,2],[1,0,2],");
        assertThat(reader.reads).as("the coverage came from memory").hasValue(10);

        reader.tags.put("SD", "v2");
        assertThat(api.answer("/coverage", Map.of()).body().get("cells")).hasSize(10);
        assertThat(reader.reads).as("the changed symbol only is read again").hasValue(11);
    }

    @Test
    void aSinkWithoutTagsIsNotReadAhead() throws Exception {
        Listed reader = new Listed(false);
        DashboardApi api = new DashboardApi(reader, TODAY);
        api.warmUp();
        assertThat(reader.reads).hasValue(0);
        assertThat(api.answer("/coverage", Map.of()).body().get("symbols")).hasSize(10);
        assertThat(reader.reads).as("each coverage request reads everything").hasValue(10);
    }
}
