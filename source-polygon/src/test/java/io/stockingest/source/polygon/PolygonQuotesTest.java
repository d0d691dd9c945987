package io.stockingest.source.polygon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Live quotes from the stocks snapshot, replaying client-python's recorded mocks. */
class PolygonQuotesTest {
    private static final String KEY = "pk_quotes_test_77aa66bb55cc";
    private final FixtureServer server = new FixtureServer();
    private final PolygonSource source = (PolygonSource) new PolygonSourceFactory(new FakeTicker(Instant.parse("2024-09-30T15:00:00Z")),
            NyseCalendar.instance()).create(Settings.of(Map.of("POLYGON_API_KEY", KEY, "POLYGON_BASE_URL", server.baseUri().toString(),
                    "POLYGON_RATE_LIMIT", "100/sec")));

    @AfterEach
    void close() {
        source.close();
        server.close();
    }

    @Test
    void declaresQuotes() {
        assertThat(source.datasets()).contains(Dataset.QUOTES);
    }

    @Test
    void mapsTheManyTickerSnapshotExactlyAndLeavesOutTickersItDoesNotList() {
        server.on(PolygonQuotes.PATH, Reply.json(200, fixture("snapshot_stocks_tickers.client-python-mock.json")));

        List<Quote> quotes = source.fetchQuotes(List.of(Symbol.parse("BCAT"), Symbol.parse("AAPL")));

        // updated 1605192894630916600 ns = 2020-11-12T14:54:54.630916600Z, kept to the µs; bid is lastQuote.p, ask lastQuote.P
        assertThat(quotes).containsExactly(new Quote(Symbol.parse("BCAT"), Instant.parse("2020-11-12T14:54:54.630916Z"), 20.506, 20.5, 20.6,
                37_216L, 20.64, 20.64, 20.506, 20.63, null, "polygon"));
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(FixtureServer.query(request)).containsExactlyEntriesOf(Map.of("tickers", "BCAT,AAPL"));
            assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(request.query()).doesNotContain(KEY);
        });
    }

    @Test
    void mapsTheRecordedAaplTickerObject() {
        // the single-ticker mock's "ticker" object is what the many-ticker snapshot lists under "tickers"
        String single = fixture("snapshot_stocks_ticker_AAPL.client-python-mock.json");
        String tickerObject = single.substring(single.indexOf("\"ticker\": {") + "\"ticker\": ".length(), single.lastIndexOf('}'));
        server.on(PolygonQuotes.PATH, Reply.json(200, "{\"status\":\"OK\",\"count\":1,\"tickers\":[" + tickerObject + "]}"));

        assertThat(source.fetchQuotes(List.of(Symbol.parse("AAPL")))).containsExactly(new Quote(Symbol.parse("AAPL"),
                Instant.ofEpochSecond(1_651_251_948L, 294_080_000L), 159.99, 159.98, 159.99, 68_840_127L, 161.84, 166.2, 159.8, 163.64, null, "polygon"));
    }

    @Test
    void aResetSnapshotFallsBackToTheLastTradeAndLeavesZeroDayPricesNull() {
        server.on(PolygonQuotes.PATH, Reply.json(200, """
                {"status":"DELAYED","tickers":[
                  {"ticker":"BRK.B","day":{"o":0,"h":0,"l":0,"c":0,"v":0,"vw":0},"lastTrade":{"p":411.5,"t":1727704800123000000},
                   "min":{},"prevDay":{"c":410.25},"updated":1727704800123000000},
                  {"ticker":"ZERO","day":{"o":0,"h":0,"l":0,"c":0,"v":0},"updated":1727704800123000000}]}"""));

        List<Quote> quotes = source.fetchQuotes(List.of(Symbol.parse("brk-b"), Symbol.parse("ZERO")));

        assertThat(quotes).containsExactly(new Quote(Symbol.parse("BRK.B"), Instant.parse("2024-09-30T14:00:00.123Z"), 411.5, null, null, 0L,
                null, null, null, 410.25, null, "polygon"));
        assertThat(FixtureServer.query(server.requests().getFirst())).containsEntry("tickers", "BRK.B,ZERO");
    }

    @Test
    void manySymbolsGoInFewRequestsOfAtMost250Tickers() {
        server.on(PolygonQuotes.PATH, Reply.json(200, "{\"status\":\"OK\",\"count\":0,\"tickers\":[]}"));
        List<Symbol> symbols = IntStream.range(0, 600).mapToObj(i -> Symbol.parse("S" + i)).toList();

        assertThat(source.fetchQuotes(symbols)).isEmpty();

        assertThat(server.requests()).extracting(r -> FixtureServer.query(r).get("tickers").split(",").length).containsExactly(250, 250, 100);
    }

    @Test
    void longTickerListsAreCutByLengthToo() {
        List<Symbol> symbols = IntStream.range(0, 400).mapToObj(i -> Symbol.parse("ABCDEFGHIJ" + i)).toList();

        List<List<Symbol>> batches = PolygonQuotes.batches(symbols);

        assertThat(batches).allSatisfy(batch -> assertThat(String.join(",", batch.stream().map(PolygonClient.SPELLING::spell).toList()).length())
                .isLessThanOrEqualTo(PolygonQuotes.MAX_TICKERS_CHARS));
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(400);
        assertThat(batches).hasSizeGreaterThan(1);
    }

    @Test
    void aPlanWithoutSnapshotsIsNotEntitledWithPolygonsWords() {
        server.on(PolygonQuotes.PATH, Reply.json(403, fixture("http403_not_authorized_plan_timeframe.issue313.json")));

        assertThatThrownBy(() -> source.fetchQuotes(List.of(Symbol.parse("AAPL"), Symbol.parse("MSFT"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_ENTITLED))
                .hasMessage("Cannot fetch quotes of AAPL,MSFT from polygon: 403 NOT_AUTHORIZED (Your plan doesn't include this data timeframe."
                        + " Please upgrade your plan at https://polygon.io/pricing)");
    }

    @Test
    void snapshotTimesAreReadByMagnitude() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(PolygonQuotes.instant(json.valueToTree(1_547_787_608_999L))).isEqualTo(Instant.ofEpochMilli(1_547_787_608_999L));
        assertThat(PolygonQuotes.instant(json.valueToTree(1_547_787_608_999_123L))).isEqualTo(Instant.parse("2019-01-18T05:00:08.999123Z"));
        assertThat(PolygonQuotes.instant(json.valueToTree(1_547_787_608L))).isEqualTo(Instant.ofEpochSecond(1_547_787_608L));
        assertThat(PolygonQuotes.instant(json.valueToTree(0))).isNull();
    }

    private static String fixture(String name) {
        try (InputStream in = PolygonQuotesTest.class.getResourceAsStream("/polygon/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
