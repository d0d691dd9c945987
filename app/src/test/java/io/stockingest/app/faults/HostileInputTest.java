package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input through the real CLI: every rejected value is one clear line and exit 2 before any request; what is
 * accepted is handled exactly; nothing is written outside the working directory.
 */
class HostileInputTest {
    private static final String CHART = "/v8/finance/chart/AAPL";

    @TempDir
    Path root;
    private Cli cli;

    @BeforeEach
    void start() throws IOException {
        cli = new Cli(Files.createDirectories(root.resolve("work")));
    }

    @AfterEach
    void nothingOutsideTheWorkingDirectoryAndNoSecretLeaked() throws IOException {
        try (var entries = Files.list(root)) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).as("files next to the working directory").containsExactly("work");
        }
        try {
            cli.assertNoSecretLeaked();
        } finally {
            cli.close();
        }
    }

    private void assertRejectedBeforeAnyRequest(int exit, String message) {
        assertThat(exit).as(cli.both()).isEqualTo(2);
        assertThat(cli.err()).startsWith("stock-ingest: ").contains(message);
        assertThat(cli.server.requests()).isEmpty();
        assertThat(cli.lakeFiles()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "AAPL;DROP TABLE prices", "%2e%2e", "..", "AAPL/../../x", "\u0410APL" /* Cyrillic A */,
        "AAP\u04C0" /* Cyrillic palochka */, "\uFF21\uFF21\uFF30\uFF2C" /* fullwidth AAPL */, "\u0131BM" /* dotless i: upper-cases to I */,
        "\uFB00" /* ff ligature: upper-cases to FF */, "\u017FPY" /* long s: upper-cases to S */, "AAPL\u0000", "AAPL\nMSFT", "A'B", "A\"B",
        "$(reboot)", "-rf"})
    void hostileSymbolsAreRefusedExit2WithNoRequest(String symbol) {
        assertRejectedBeforeAnyRequest(cli.run("prices", "--symbols", symbol, "--from", "2020-01-02", "--to", "2020-01-02"), "Invalid symbol");
    }

    @Test
    void aVeryLongSymbolIsRefusedAndEchoedShortened() {
        String longSymbol = "A".repeat(100_000);
        assertRejectedBeforeAnyRequest(cli.run("prices", "--symbols", longSymbol, "--from", "2020-01-02", "--to", "2020-01-02"), "Invalid symbol");
        assertThat(cli.err().length()).isLessThan(2_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-30", "2023-02-29", "2024-13-01", "2024-1-5", "20240105", "2024-01-02T00:00", "../../etc", "1850-01-02"})
    void impossibleDatesAreRefusedExit2WithNoRequest(String date) {
        int exit = cli.run("prices", "--symbols", "AAPL", "--from", date, "--to", "2024-03-01");
        assertThat(exit).as(cli.both()).isEqualTo(2);
        assertThat(cli.err()).contains(date.equals("1850-01-02") ? "Dates must lie in" : "--from '" + date + "' is not a valid date");
        assertThat(cli.server.requests()).isEmpty();
        assertThat(cli.lakeFiles()).isEmpty();
    }

    @Test
    void aTickersFileWithBomCrlfBlanksCommentsAndDuplicatesFetchesEachSymbolOnce() throws IOException {
        Files.writeString(cli.work.resolve("tickers.txt"), "\uFEFFAAPL\r\n\r\n# watch list\r\n  aapl  \r\nAAPL\r\n");
        cli.server.on(CHART, Reply.json(200, Cli.resource("yahoo/chart_AAPL_1d_2020-01-01_2020-01-03.json")));
        assertThat(cli.run("prices", "--tickers-path", "tickers.txt", "--from", "2020-01-02", "--to", "2020-01-02")).as(cli.both()).isZero();
        assertThat(cli.server.requests()).hasSize(1);
        assertThat(cli.priceFiles()).containsExactly("raw/prices/symbol=AAPL/year=2020/month=01/AAPL-2020-01-02.parquet");
    }

    @Test
    void aTickersFileWithAHostileLineNamesTheLineAndFetchesNothing() throws IOException {
        Files.writeString(cli.work.resolve("tickers.csv"), "symbol,name\nAAPL,Apple\n../../etc/passwd,evil\n\u0410APL,lookalike\n");
        int exit = cli.run("prices", "--tickers-path", "tickers.csv", "--from", "2020-01-02", "--to", "2020-01-02");
        assertRejectedBeforeAnyRequest(exit, "tickers.csv line 3: Invalid symbol");
        assertThat(cli.err()).contains("tickers.csv line 4: Invalid symbol");
    }

    @Test
    void aTickersPathOutsideTheWorkingDirectoryThatDoesNotExistIsAClearError() {
        assertRejectedBeforeAnyRequest(cli.run("prices", "--tickers-path", "../../no/such/file.txt", "--from", "2020-01-02", "--to", "2020-01-02"),
                "Cannot read --tickers-path");
    }

    @Test
    void aDotEnvWithExportQuotesCommentsBomAndCrlfIsReadExactly() throws IOException {
        FixtureServer polygon = cli.server;
        String dotEnv = "\uFEFF# local settings\r\n"
                + "export POLYGON_API_KEY=\"" + Cli.POLYGON_KEY + "\"   # the paid key\r\n"
                + "POLYGON_BASE_URL='" + polygon.baseUri() + "'\r\n"
                + "POLYGON_RATE_LIMIT = 1000/sec # inline comment\r\n"
                + "\r\n";
        Files.writeString(cli.work.resolve(".env"), dotEnv, StandardCharsets.UTF_8);
        polygon.on("/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04",
                Reply.json(200, Cli.resource("polygon/aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python-mock.json")));
        int exit = cli.runWithout(List.of("POLYGON_API_KEY", "POLYGON_BASE_URL", "POLYGON_RATE_LIMIT"),
                "prices", "--source", "polygon", "--symbols", "AAPL", "--from", "2005-04-01", "--to", "2005-04-04");
        assertThat(exit).as(cli.both()).isZero();
        assertThat(polygon.requests()).singleElement().satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + Cli.POLYGON_KEY));
        assertThat(cli.priceFiles()).hasSize(2);
        Files.delete(cli.work.resolve(".env")); // holds the key on purpose; the leak check covers what the run wrote
    }

    @Test
    void aDotEnvWithAnUnterminatedQuoteIsAConfigErrorExit2() throws IOException {
        Files.writeString(cli.work.resolve(".env"), "YAHOO_RATE_LIMIT=\"10/sec\n");
        assertRejectedBeforeAnyRequest(cli.run("prices", "--symbols", "AAPL", "--from", "2020-01-02", "--to", "2020-01-02"), "unterminated double quote");
    }

    @Test
    void aLakeSinkPathWithDotDotStaysWhereTheUserPointedIt() {
        cli.server.on(CHART, Reply.json(200, Cli.resource("yahoo/chart_AAPL_1d_2020-01-01_2020-01-03.json")));
        assertThat(cli.run("prices", "--symbols", "AAPL", "--from", "2020-01-02", "--to", "2020-01-02", "--sink", "parquet:./lake/../data")).as(cli.both()).isZero();
        assertThat(cli.priceFiles()).containsExactly("raw/prices/symbol=AAPL/year=2020/month=01/AAPL-2020-01-02.parquet");
    }
}
