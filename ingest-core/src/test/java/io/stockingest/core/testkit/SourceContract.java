package io.stockingest.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.rules.RowRules;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link Source} must do with a provider's answers, run by each source against its recorded responses
 * (../shared/fixtures, copied into the module's test resources) replayed by a real {@link FixtureServer} on 127.0.0.1:
 *
 * <ul>
 *   <li>a refusal (401, 403) is answered at once, never retried, with the kind the source documents for it
 *       ({@code AUTH} for a rejected key; a provider without keys, or one whose 403 means "not on your plan", says
 *       {@code NOT_ENTITLED} or {@code BAD_RESPONSE}), and no secret in the message;</li>
 *   <li>429 is retried, then {@code THROTTLED};</li>
 *   <li>an HTML page or a truncated body is {@code BAD_RESPONSE};</li>
 *   <li>only bars of the requested range come back, sorted by time, even when the provider sends more;</li>
 *   <li>a bar whose prices are null is dropped, or kept with NaN prices for the validator to quarantine
 *       ({@code prices_positive}); it is never zero-filled into a good bar;</li>
 *   <li>one source serves parallel calls: each gets the same bars as a call alone.</li>
 * </ul>
 *
 * Subclasses build the source against {@link #server} with tiny retry waits and a fake clock (no real time).
 */
public abstract class SourceContract {
    protected final FixtureServer server = new FixtureServer();
    private Source source;

    /** A recorded daily-bar answer: the request it answers and the session dates it holds (sorted). */
    public record Recording(Symbol symbol, DateRange range, Reply reply, List<LocalDate> dates) {
        public Recording {
            dates = List.copyOf(dates);
        }
    }

    /** The source under test, talking to {@code baseUri}; retry waits must be tiny or on a fake clock. */
    protected abstract Source createSource(URI baseUri);

    /** The recorded daily bars this contract replays. */
    protected abstract Recording dailyBars();

    /** The exact path the source asks for the daily bars of {@code symbol} in {@code range}. */
    protected abstract String dailyBarsPath(Symbol symbol, DateRange range);

    /** The recorded body with the prices of the bar of {@code date} set to JSON null, as the provider sends a missing bar. */
    protected abstract Reply withNullPrices(Recording recording, LocalDate date);

    /**
     * {@code body} with {@code fields} set to JSON null in every object row under {@code rowsPointer} (a JSON pointer,
     * "" for a top-level array) that {@code match} picks: a recorded answer with a bar's prices missing.
     */
    protected static Reply withNullFields(String body, String rowsPointer, Predicate<JsonNode> match,
            String... fields) {
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode root = json.readTree(body);
            for (JsonNode row : root.at(rowsPointer)) {
                if (match.test(row)) {
                    for (String field : fields) {
                        ((ObjectNode) row).putNull(field);
                    }
                }
            }
            return Reply.json(200, json.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kind the source documents for a refusal with {@code status} (401 or 403) and the body of {@link #refusal}. */
    protected abstract ErrorKind refusalKind(int status);

    /** The provider's answer refusing a request with {@code status} (a recorded body where there is one). */
    protected Reply refusal(int status) {
        return Reply.json(status, "{\"error\":\"refused\"}");
    }

    /** A secret the source holds (an API key) that no message may show, or null when it has none. */
    protected String secret() {
        return null;
    }

    @BeforeEach
    final void startSource() {
        source = createSource(server.baseUri());
    }

    @AfterEach
    final void stopSource() {
        source.close();
        server.close();
    }

    protected final Source source() {
        return source;
    }

    private List<Bar> fetch(Symbol symbol, DateRange range) {
        return source.fetchBars(BarRequest.of(symbol, Interval.D1, range, BarRequest.Hours.REGULAR));
    }

    @Test
    void returnsTheRecordedBarsSortedByTime() {
        Recording rec = dailyBars();
        server.on(dailyBarsPath(rec.symbol(), rec.range()), rec.reply());
        List<Bar> bars = fetch(rec.symbol(), rec.range());
        assertThat(bars).as("dates of the recorded bars").extracting(Bar::date).containsExactlyElementsOf(rec.dates());
        assertThat(bars).as("every bar is of the requested symbol and good").allSatisfy(bar -> {
            assertThat(bar.symbol()).isEqualTo(rec.symbol());
            assertThat(RowRules.BAR).noneMatch(rule -> rule.brokenBy(bar));
        });
    }

    @Test
    void keepsOnlyBarsOfTheRequestedRange() {
        Recording rec = dailyBars();
        assertThat(rec.dates()).as("the recording must hold at least two sessions").hasSizeGreaterThanOrEqualTo(2);
        int last = rec.dates().size() - (rec.dates().size() > 2 ? 2 : 1);
        DateRange inner = new DateRange(rec.dates().get(1), rec.dates().get(last));
        server.on(dailyBarsPath(rec.symbol(), inner), rec.reply()); // the provider answers with more than was asked
        List<Bar> bars = fetch(rec.symbol(), inner);
        assertThat(bars).as("bars of %s out of a recording of %s", inner, rec.dates()).extracting(Bar::date)
                .containsExactlyElementsOf(rec.dates().subList(1, last + 1));
    }

    @Test
    void neverTurnsABarWithNullPricesIntoAGoodBar() {
        Recording rec = dailyBars();
        LocalDate hole = rec.dates().get(1);
        server.on(dailyBarsPath(rec.symbol(), rec.range()), withNullPrices(rec, hole));
        List<Bar> bars = fetch(rec.symbol(), rec.range());
        assertThat(bars).as("the bar of %s (null prices) is dropped or breaks prices_positive", hole)
                .filteredOn(bar -> bar.date().equals(hole)).allMatch(RowRules.PRICES_POSITIVE::brokenBy);
        List<LocalDate> others = new ArrayList<>(rec.dates());
        others.remove(hole);
        assertThat(bars).as("the other bars").filteredOn(bar -> !bar.date().equals(hole)).extracting(Bar::date).containsExactlyElementsOf(others);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {401, 403})
    void aRefusalIsNotRetriedAndSaysWhatItIs(int status) {
        Recording rec = dailyBars();
        server.on(dailyBarsPath(rec.symbol(), rec.range()), refusal(status));
        assertThatThrownBy(() -> fetch(rec.symbol(), rec.range()))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).as("kind of a %s", status).isEqualTo(refusalKind(status));
                    assertThat(e.getMessage()).as("message names the symbol").contains(rec.symbol().value());
                    if (secret() != null) {
                        assertThat(e.getMessage()).as("message shows no secret").doesNotContain(secret());
                    }
                });
        assertThat(server.requests()).as("a refusal is answered at once").hasSize(1);
    }

    @Test
    void throttlingIsRetriedThenReportedAsThrottled() {
        Recording rec = dailyBars();
        server.on(dailyBarsPath(rec.symbol(), rec.range()), Reply.text(429, "Too Many Requests"));
        assertThatThrownBy(() -> fetch(rec.symbol(), rec.range()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).as("kind").isEqualTo(ErrorKind.THROTTLED));
        assertThat(server.requests().size()).as("requests before giving up").isGreaterThan(1);
    }

    @Test
    void throttlingOnceThenServedReturnsTheBars() {
        Recording rec = dailyBars();
        server.on(dailyBarsPath(rec.symbol(), rec.range()), Reply.text(429, "Too Many Requests"), rec.reply());
        assertThat(fetch(rec.symbol(), rec.range())).as("bars after one 429").extracting(Bar::date).containsExactlyElementsOf(rec.dates());
    }

    @Test
    void anHtmlPageIsABadResponse() {
        Recording rec = dailyBars();
        server.on(dailyBarsPath(rec.symbol(), rec.range()),
                new Reply(200, "text/html", "<!DOCTYPE html><html><body>Maintenance</body></html>".getBytes(StandardCharsets.UTF_8), Map.of()));
        assertThatThrownBy(() -> fetch(rec.symbol(), rec.range()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).as("kind").isEqualTo(ErrorKind.BAD_RESPONSE));
    }

    @Test
    void aTruncatedBodyIsABadResponse() {
        Recording rec = dailyBars();
        server.on(dailyBarsPath(rec.symbol(), rec.range()), rec.reply().truncatedTo(rec.reply().body().length * 2 / 3));
        assertThatThrownBy(() -> fetch(rec.symbol(), rec.range()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).as("kind").isEqualTo(ErrorKind.BAD_RESPONSE));
    }

    @Test
    void parallelCallsEachGetWhatACallAloneGets() throws Exception {
        Recording rec = dailyBars();
        server.on(dailyBarsPath(rec.symbol(), rec.range()), rec.reply());
        List<Bar> alone = fetch(rec.symbol(), rec.range());
        int calls = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Bar>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < calls; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return fetch(rec.symbol(), rec.range());
                }));
            }
            start.countDown();
            for (Future<List<Bar>> result : results) {
                assertThat(result.get()).as("bars of a parallel call").isEqualTo(alone);
            }
        }
        assertThat(server.requests()).as("one request per call").hasSize(calls + 1);
    }
}
