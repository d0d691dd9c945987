package io.stockingest.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.serve.DashboardApi;
import io.stockingest.serve.DashboardServer;
import io.stockingest.sink.postgres.PostgresSinkFactory;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import io.stockingest.sink.s3.LakeSinkFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs made while a dashboard is serving show up on it: a PostgreSQL sink and a lake, each served from the start, then
 * three more ingests (more sessions of a symbol, a new symbol, a yearly backfill that rewrites a close over the daily
 * files already there): the runs, the symbols, the series and the coverage (the lake's is kept in memory per symbol,
 * asked once before the runs so that it holds the old state) all answer the new state.
 */
class DashboardLiveRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant EVENING = Instant.parse("2020-11-10T02:00:00Z");

    private static JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(base + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void aRunWhileServingShowsUp() throws Exception {
        Path work = Path.of("target", "dashboard-live").toAbsolutePath();
        DashboardData.deleteTree(work);
        Files.createDirectories(work);
        String pg = DashboardData.databaseUrl(PostgresTestServer.createDatabase());
        String aapl = DashboardData.resource("yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
        String[] sinks = {"--sink", "postgres", "--sink", "parquet:lake"};
        try (FixtureServer provider = new FixtureServer()) {
            provider.on("/v8/finance/chart/AAPL", Reply.json(200, aapl));
            provider.on("/v8/finance/chart/MSFT", Reply.json(200, aapl.replace("\"symbol\": \"AAPL\"", "\"symbol\": \"MSFT\"")));
            DashboardData.cli(pg, provider, work, EVENING, 0, "db", "migrate");
            DashboardData.cli(pg, provider, work, EVENING, 0, with(sinks, "prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-09-30"));

            try (SinkReader pgReader = new PostgresSinkFactory().openReader("postgres", Settings.of(Map.of("DATABASE_URL", pg)));
                    SinkReader lakeReader = new LakeSinkFactory().openReader("parquet:" + work.resolve("lake"), Settings.of(Map.of()));
                    DashboardServer pgServer = DashboardServer.start(new DashboardApi(pgReader, DashboardData.TODAY), InetAddress.getLoopbackAddress(), 0);
                    DashboardServer lakeServer = DashboardServer.start(new DashboardApi(lakeReader, DashboardData.TODAY),
                            InetAddress.getLoopbackAddress(), 0)) {
                List<URI> bases = List.of(DashboardData.base(pgServer), DashboardData.base(lakeServer));
                for (URI base : bases) {
                    assertThat(get(base, "api/runs").get("runs")).as(base + " runs").hasSize(1);
                    assertThat(get(base, "api/prices/AAPL").get("rows")).as("2020-08-31 and September's 21 sessions").hasSize(22);
                    JsonNode coverage = get(base, "api/coverage");
                    assertThat(coverage.get("months").toString()).isEqualTo("[\"2020-08\",\"2020-09\"]");
                    assertThat(coverage.get("cells").toString()).isEqualTo("[[0,0,1],[0,1,21]]");
                    assertThat(get(base, "api/coverage/AAPL?month=2020-10").get("stored")).isEmpty();
                }

                DashboardData.cli(pg, provider, work, EVENING, 0, with(sinks, "prices", "--symbols", "AAPL", "--from", "2020-10-01", "--to", "2020-11-06"));
                DashboardData.cli(pg, provider, work, EVENING, 0, with(sinks, "prices", "--symbols", "MSFT", "--from", "2020-08-31", "--to", "2020-11-06"));
                // a later backfill, with the last close changed, rewrites AAPL into a yearly file beside its daily files
                provider.replace("/v8/finance/chart/AAPL", Reply.json(200, lastClose(aapl, "118.5")));
                DashboardData.cli(pg, provider, work, Instant.parse("2020-11-11T02:00:00Z"), 0,
                        with(sinks, "prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--backfill", "--force"));
                assertThat(work.resolve("lake/raw/prices/symbol=AAPL/year=2020/AAPL-2020.parquet")).exists();

                for (URI base : bases) {
                    assertThat(get(base, "api/runs").get("runs")).as(base + " runs").hasSize(4);
                    assertThat(get(base, "api/symbols").get("symbols").toString()).isEqualTo("[\"AAPL\",\"MSFT\"]");
                    JsonNode rows = get(base, "api/prices/AAPL").get("rows");
                    assertThat(rows).as(base + ": 49 sessions, each once").hasSize(49);
                    List<String> dates = new ArrayList<>();
                    rows.forEach(r -> dates.add(r.get(0).asText()));
                    assertThat(new HashSet<>(dates)).hasSize(49);
                    assertThat(rows.get(48).get(4).asDouble()).as(base + ": the newer ingest's close").isEqualTo(118.5);
                    for (int i = 0; i < 2; i++) { // the second from the lake's memo as it is
                        JsonNode coverage = get(base, "api/coverage");
                        assertThat(coverage.get("symbols").toString()).isEqualTo("[\"AAPL\",\"MSFT\"]");
                        assertThat(coverage.get("months").toString()).isEqualTo("[\"2020-08\",\"2020-09\",\"2020-10\",\"2020-11\"]");
                        assertThat(coverage.get("cells").toString()).as(base + " coverage")
                                .isEqualTo("[[0,0,1],[0,1,21],[0,2,22],[0,3,5],[1,0,1],[1,1,21],[1,2,22],[1,3,5]]");
                    }
                    assertThat(get(base, "api/coverage/AAPL?month=2020-10").get("missing")).isEmpty();
                }
            }
        }
    }

    private static String[] with(String[] sinks, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(sinks));
        return all.toArray(String[]::new);
    }

    /** The chart with its last close (2020-11-06, 118.69) replaced by {@code close}. */
    private static String lastClose(String chart, String close) {
        int closes = chart.indexOf("\"close\"");
        int open = chart.indexOf('[', closes);
        int end = chart.indexOf(']', open);
        String[] values = chart.substring(open + 1, end).split(",");
        assertThat(Double.parseDouble(values[values.length - 1].trim())).isEqualTo(118.69000244140625);
        values[values.length - 1] = close;
        return chart.substring(0, open + 1) + String.join(",", values) + chart.substring(end);
    }
}
