package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.source.fmp.FmpSourceFactory;
import io.stockingest.source.polygon.PolygonSourceFactory;
import io.stockingest.source.yahoo.YahooSourceFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded random mutator over each provider's JSON parsers, starting from the real recorded fixtures: byte flips,
 * truncations, deletions, junk insertions, duplicated chunks and extreme numbers, served with status 200 by a local
 * server to the real source. Nothing but {@link IngestException} may escape and no fetch may hang.
 *
 * <p>CI runs {@value #DEFAULT_ITERATIONS} mutations per provider. A long run:
 * {@code ./mvnw -o -pl app -am verify -Dtest=ParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.iterations=100000 -Dfuzz.seed=7}.
 * A failure prints the seed, the iteration and the mutated body so it can be replayed.
 */
class ParserFuzzTest {
    static final int DEFAULT_ITERATIONS = 300;
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", DEFAULT_ITERATIONS);
    private static final long SEED = Long.getLong("fuzz.seed", 20241001L);
    private static final String[] JUNK = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "0", "-0", "1e309", "-1e309", "NaN",
        "99999999999999999999999", "1.5", "\"x\"", "\"\"", "{}", "[]", "\\u0000", "\\", "\u00ff", "\"2024-02-30\"", "-9223372036854775808",
        "9223372036854775807", "1e-400", "\"Error Message\"", "\"results\"", "\"timestamp\"", "\"next_url\":\"/x\""};

    private final FixtureServer server = new FixtureServer();
    private final FakeTicker ticker = new FakeTicker(Instant.parse("2024-10-01T02:00:00Z"));

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        server.close();
    }

    private Settings settings() {
        Map<String, String> env = new HashMap<>();
        String base = server.baseUri().toString();
        env.put("YAHOO_BASE_URL", base);
        env.put("YAHOO_COOKIE_URL", base);
        env.put("YAHOO_RATE_LIMIT", "100000/sec");
        env.put("YAHOO_MAX_CONSECUTIVE_THROTTLED", "1000000");
        env.put("FMP_API_KEY", Cli.FMP_KEY);
        env.put("FMP_BASE_URL", base);
        env.put("FMP_PLAN", "ultimate");
        env.put("FMP_RATE_LIMIT", "100000/sec");
        env.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        env.put("POLYGON_API_KEY", Cli.POLYGON_KEY);
        env.put("POLYGON_BASE_URL", base);
        env.put("POLYGON_RATE_LIMIT", "100000/sec");
        return Settings.of(env);
    }

    static byte[] mutate(byte[] original, Random random) {
        byte[] body = original;
        int operations = 1 + random.nextInt(3);
        for (int op = 0; op < operations && body.length > 0; op++) {
            int at = random.nextInt(body.length);
            body = switch (random.nextInt(6)) {
                case 0 -> { // flip a bit
                    byte[] copy = body.clone();
                    copy[at] ^= (byte) (1 << random.nextInt(8));
                    yield copy;
                }
                case 1 -> Arrays.copyOf(body, at); // truncate
                case 2 -> { // delete a range
                    int end = Math.min(body.length, at + 1 + random.nextInt(40));
                    yield concat(Arrays.copyOfRange(body, 0, at), Arrays.copyOfRange(body, end, body.length));
                }
                case 3 -> insert(body, at, JUNK[random.nextInt(JUNK.length)].getBytes(StandardCharsets.UTF_8));
                case 4 -> { // duplicate a chunk
                    int end = Math.min(body.length, at + 1 + random.nextInt(200));
                    yield insert(body, end, Arrays.copyOfRange(body, at, end));
                }
                default -> { // replace a number with an extreme one
                    String text = new String(body, StandardCharsets.ISO_8859_1);
                    int digit = text.indexOf(Character.forDigit(random.nextInt(10), 10), at);
                    if (digit < 0) {
                        yield body;
                    }
                    int end = digit;
                    while (end < text.length() && "0123456789.eE+-".indexOf(text.charAt(end)) >= 0) {
                        end++;
                    }
                    String replacement = JUNK[9 + random.nextInt(6)];
                    yield (text.substring(0, digit) + replacement + text.substring(end)).getBytes(StandardCharsets.ISO_8859_1);
                }
            };
        }
        return body;
    }

    private static byte[] insert(byte[] body, int at, byte[] junk) {
        return concat(concat(Arrays.copyOfRange(body, 0, at), junk), Arrays.copyOfRange(body, at, body.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One fixture served at one path, and the source call that reads it. */
    private record Target(String path, String fixture, Consumer<Source> call) {}

    private void fuzz(Source source, List<Target> targets, long seed) {
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> outcomes = new java.util.TreeMap<>();
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(30, ITERATIONS / 10)), () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                Target target = targets.get(i % targets.size());
                byte[] body = mutate(Cli.bytes(target.fixture()), random);
                server.replace(target.path(), new Reply(200, "application/json", body, Map.of()));
                try {
                    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> target.call().accept(source),
                            () -> "hung on " + target.fixture());
                    outcomes.merge("parsed", 1, Integer::sum);
                } catch (IngestException expected) {
                    outcomes.merge(expected.kind().name(), 1, Integer::sum);
                    assertThat(expected.getMessage()).isNotBlank().doesNotContain(Cli.FMP_KEY).doesNotContain(Cli.POLYGON_KEY);
                } catch (RuntimeException | Error e) {
                    failures.add(String.format("seed %d iteration %d %s: %s%n  body: %s", seed, i, target.fixture(), e,
                            new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ")));
                }
            }
        });
        System.out.printf("fuzz seed %d, %d mutations of %s: %s%n", seed, ITERATIONS, targets.stream().map(Target::fixture).toList(), outcomes);
        assertThat(failures).as("exceptions other than IngestException (seed %d)", seed).isEmpty();
    }

    private static BarRequest daily(LocalDate from, LocalDate to) {
        return BarRequest.of(Symbol.parse("AAPL"), Interval.D1, new DateRange(from, to), BarRequest.Hours.REGULAR);
    }

    @Test
    void yahooChartParserOnlyEverThrowsIngestException() {
        // the day after the TSLA recording, so that Yahoo's 60-day limit on 30m bars lets the request through
        FakeTicker nextDay = new FakeTicker(Instant.parse("2021-11-23T12:00:00Z"));
        try (Source yahoo = new YahooSourceFactory(nextDay, Calendars.standard()).create(settings())) {
            fuzz(yahoo, List.of(
                    new Target("/v8/finance/chart/AAPL", "yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json",
                            s -> s.fetchBars(daily(LocalDate.of(2020, 8, 31), LocalDate.of(2020, 11, 6)))),
                    new Target("/v8/finance/chart/TSLA", "yahoo/chart_TSLA_30m_2021-11-22_includePrePost_true.json",
                            s -> s.fetchBars(BarRequest.of(Symbol.parse("TSLA"), Interval.M30,
                                    new DateRange(LocalDate.of(2021, 11, 22), LocalDate.of(2021, 11, 22)), BarRequest.Hours.EXTENDED)))), SEED);
        }
    }

    @Test
    void fmpParsersOnlyEverThrowIngestException() {
        try (Source fmp = new FmpSourceFactory(ticker, NyseCalendar.instance()).create(settings())) {
            fuzz(fmp, List.of(
                    new Target("/stable/historical-price-eod/full", "fmp/stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json",
                            s -> s.fetchBars(daily(LocalDate.of(2023, 1, 3), LocalDate.of(2023, 1, 10)))),
                    new Target("/stable/income-statement", "fmp/stable_income-statement_AAPL_annual_limit1.json",
                            s -> s.fetchStatements(Symbol.parse("AAPL"), StatementType.INCOME, Source.Period.ANNUAL, 1))), SEED + 1);
        }
    }

    @Test
    void fmpV3ParserOnlyEverThrowsIngestException() {
        try (Source fmp = new FmpSourceFactory(ticker, NyseCalendar.instance()).create(settings().with("FMP_API_GENERATION", "v3"))) {
            fuzz(fmp, List.of(new Target("/api/v3/historical-price-full/AAPL", "fmp/v3_historical-price-full_AAPL_2023-01-01_2023-01-10.json",
                    s -> s.fetchBars(daily(LocalDate.of(2023, 1, 3), LocalDate.of(2023, 1, 10))))), SEED + 2);
        }
    }

    @Test
    void polygonParsersOnlyEverThrowIngestException() {
        try (Source polygon = new PolygonSourceFactory(ticker, NyseCalendar.instance()).create(settings())) {
            fuzz(polygon, List.of(
                    new Target("/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04", "polygon/aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python-mock.json",
                            s -> s.fetchBars(daily(LocalDate.of(2005, 4, 1), LocalDate.of(2005, 4, 4)))),
                    new Target("/v3/snapshot/options/AAPL", "polygon/options_snapshot_chain_AAPL.client-python-mock.json",
                            s -> s.fetchOptionChain(Symbol.parse("AAPL"), null, null))), SEED + 3);
        }
    }
}
