package io.stockingest.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every API endpoint against a PostgreSQL sink, a lake and an Iceberg warehouse filled by the same real ingests: all
 * answer alike (numbers computed on each side, the features, within 1e-9 relative), and the answers hold what was
 * ingested. One known difference: Iceberg records no checked sessions, so its heatmap has no checked cells.
 */
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static DashboardData data;

    @BeforeAll
    static void fill() {
        data = DashboardData.get();
    }

    record Got(int status, JsonNode body, HttpResponse<String> response) {}

    private static Got get(URI base, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).as("no secret in " + path).doesNotContain(DashboardData.PASSWORD).doesNotContain(DashboardData.KEY);
        return new Got(response.statusCode(), response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? JSON.readTree(response.body()) : null, response);
    }

    /** The answer of every sink (PostgreSQL, the lake, Iceberg), after checking they are the same. */
    private static JsonNode both(String path) throws IOException, InterruptedException {
        return all(path, List.of());
    }

    /**
     * The answer of every sink after checking they are the same, but for the differences of Iceberg's answer that
     * start with one of {@code icebergDiffers} (JSON paths such as {@code .checked}), which must then be there.
     */
    private static JsonNode all(String path, List<String> icebergDiffers) throws IOException, InterruptedException {
        Got pg = get(data.pgBase, path);
        Got lake = get(data.lakeBase, path);
        Got iceberg = get(data.icebergBase, path);
        assertThat(pg.status()).as("PostgreSQL " + path + ": " + pg.body()).isEqualTo(200);
        assertThat(lake.status()).as("lake " + path + ": " + lake.body()).isEqualTo(200);
        assertThat(iceberg.status()).as("Iceberg " + path + ": " + iceberg.body()).isEqualTo(200);
        List<String> differences = new ArrayList<>();
        compare("", pg.body(), lake.body(), differences);
        assertThat(differences).as(path + " answers alike from PostgreSQL and the lake").isEmpty();
        compare("", pg.body(), iceberg.body(), differences);
        assertThat(differences.stream().filter(d -> icebergDiffers.stream().noneMatch(d::startsWith)))
                .as(path + " answers alike from PostgreSQL and Iceberg").isEmpty();
        for (String expected : icebergDiffers) {
            assertThat(differences).as("Iceberg's " + path + " differs at " + expected).anyMatch(d -> d.startsWith(expected));
        }
        return pg.body();
    }

    private static void compare(String at, JsonNode a, JsonNode b, List<String> differences) {
        if (a.isNumber() && b.isNumber()) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)))) {
                differences.add(at + ": " + a + " vs " + b);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                compare(at + "[" + i + "]", a.get(i), b.get(i), differences);
            }
        } else if (a.isObject() && b.isObject()) {
            List<String> names = new ArrayList<>();
            a.fieldNames().forEachRemaining(names::add);
            List<String> other = new ArrayList<>();
            b.fieldNames().forEachRemaining(other::add);
            if (!names.stream().sorted().toList().equals(other.stream().sorted().toList())) {
                differences.add(at + ": fields " + names + " vs " + other);
                return;
            }
            for (String name : names) {
                compare(at + "." + name, a.get(name), b.get(name), differences);
            }
        } else if (!a.equals(b)) {
            differences.add(at + ": " + a + " vs " + b);
        }
    }

    private static List<JsonNode> column(JsonNode table, String name) {
        int index = -1;
        for (int i = 0; i < table.get("columns").size(); i++) {
            if (table.get("columns").get(i).asText().equals(name)) {
                index = i;
            }
        }
        assertThat(index).as("column " + name + " in " + table.get("columns")).isNotNegative();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode row : table.get("rows")) {
            out.add(row.get(index));
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext();) {
            out.add(it.next().asText());
        }
        return out;
    }

    @Test
    void symbolsAreThoseWithDailyBars() throws Exception {
        assertThat(texts(both("api/symbols").get("symbols"))).containsExactly("AAPL", "MSFT");
        assertThat(get(data.pgBase, "api/info").body().get("sink").asText()).startsWith("PostgreSQL ").doesNotContain(DashboardData.PASSWORD);
        assertThat(get(data.lakeBase, "api/info").body().get("sink").asText()).startsWith("lake /").endsWith("dashboard-data/lake");
        assertThat(get(data.icebergBase, "api/info").body().get("sink").asText()).startsWith("Iceberg ");
    }

    @Test
    void dailySeriesCarriesTheFeaturesAndTheActions() throws Exception {
        JsonNode aapl = both("api/prices/AAPL");
        assertThat(aapl.get("rows")).as("49 sessions 2020-08-31..2020-11-06").hasSize(49);
        assertThat(column(aapl, "date").getFirst().asText()).isEqualTo("2020-08-31");
        assertThat(column(aapl, "date").getLast().asText()).isEqualTo("2020-11-06");
        assertThat(column(aapl, "close").getLast().asDouble()).isEqualTo(118.69000244140625);
        List<JsonNode> ma20 = column(aapl, "ma_20");
        assertThat(ma20.subList(0, 19)).as("no MA20 before 20 sessions").allMatch(JsonNode::isNull);
        assertThat(ma20.subList(19, 49)).allMatch(JsonNode::isNumber);
        assertThat(column(aapl, "ma_50")).as("49 sessions: no MA50 yet").allMatch(JsonNode::isNull);
        assertThat(column(aapl, "volatility_20d").subList(0, 20)).allMatch(JsonNode::isNull);
        assertThat(column(aapl, "volatility_20d").get(20).asDouble()).isBetween(0.005, 0.1);
        assertThat(texts(aapl.get("intervals"))).containsExactly("1d");
        assertThat(aapl.get("actions").get("rows").toString()).isEqualTo("[[\"split\",\"2020-08-31\",null,4.0,1.0,null],"
                + "[\"dividend\",\"2020-11-06\",0.205,null,null,null]]");

        JsonNode range = both("api/prices/AAPL?from=2020-10-01&to=2020-10-31");
        assertThat(range.get("rows")).as("October 2020: 22 sessions").hasSize(22);
        assertThat(column(range, "ma_20").getFirst()).as("the windows look back before 'from'").isEqualTo(column(aapl, "ma_20").get(22));

        assertThat(both("api/prices/MSFT").get("rows")).as("two bars quarantined").hasSize(47);
    }

    @Test
    void intradaySeriesOfTheStoredInterval() throws Exception {
        JsonNode tsla = both("api/prices/TSLA?interval=30m");
        assertThat(tsla.get("rows")).as("regular hours: 13 bars of 30 minutes").hasSize(13);
        assertThat(column(tsla, "ts").getFirst().asText()).isEqualTo("2021-11-22T14:30:00Z");
        assertThat(texts(tsla.get("intervals"))).containsExactly("1d", "30m");
        assertThat(both("api/prices/TSLA").get("rows")).as("no daily bars of TSLA").isEmpty();
    }

    @Test
    void cumulativeSevenSessionArrays() throws Exception {
        JsonNode cumulative = both("api/cumulative/AAPL");
        assertThat(cumulative.get("rows")).hasSize(49);
        JsonNode last = cumulative.get("rows").get(48);
        assertThat(last.get(0).asText()).isEqualTo("2020-11-06");
        assertThat(last.get(4)).as("closes").hasSize(7);
        assertThat(last.get(4).get(6).asDouble()).isEqualTo(118.69000244140625);
        assertThat(last.get(6).isNumber()).as("avg_7_day_volume").isTrue();
        assertThat(cumulative.get("rows").get(2).get(4)).as("the third session has three closes").hasSize(3);
    }

    @Test
    void optionChainWithQuotesGreeksAndTheStockBeside() throws Exception {
        JsonNode options = both("api/options/AAPL");
        assertThat(texts(options.get("dates"))).containsExactly("2020-11-06");
        assertThat(options.get("stock").get("close").asDouble()).isEqualTo(118.69000244140625);
        JsonNode chain = options.get("chain");
        assertThat(chain.get("rows")).as("2 expirations x 5 strikes x call/put").hasSize(20);
        assertThat(texts(chain.get("columns"))).contains("bid", "ask", "bid_size", "ask_size", "midpoint", "last_price", "implied_volatility",
                "delta", "gamma", "theta", "vega", "open_interest");
        assertThat(chain.get("rows").get(0).toString()).startsWith("[\"O:AAPL201120C00110000\",\"call\",\"2020-11-20\",110.0,11.09,11.29,294.0,209.0,"
                + "11.19,29.25,");
        assertThat(both("api/options/AAPL?date=2020-11-05").get("chain").get("rows")).as("no snapshot that day").isEmpty();
    }

    @Test
    void fundamentalsOverTime() throws Exception {
        JsonNode statements = both("api/fundamentals/AAPL");
        assertThat(column(statements, "period_end")).extracting(JsonNode::asText).containsExactly("2021-09-28", "2022-09-28", "2023-09-28", "2024-09-28");
        assertThat(column(statements, "line_items").getLast().get("revenue").asDouble()).isEqualTo(3.91035E11);
        assertThat(column(statements, "line_items").getFirst().get("revenue").asDouble()).isEqualTo(Math.round(391035000000d * 0.82));
    }

    @Test
    void runsAndARunsDetail() throws Exception {
        JsonNode runs = both("api/runs").get("runs");
        assertThat(runs).as("three prices runs, actions, options, fundamentals").hasSize(6);
        assertThat(texts(runs.findValues("command").stream().collect(JSON::createArrayNode, com.fasterxml.jackson.databind.node.ArrayNode::add,
                com.fasterxml.jackson.databind.node.ArrayNode::addAll)))
                .containsExactlyInAnyOrder("prices", "prices", "prices", "actions", "options", "fundamentals");
        assertThat(runs.get(0).has("symbols")).as("the list leaves the per-symbol part to the detail").isFalse();
        JsonNode msft = null;
        for (JsonNode run : runs) {
            if (run.get("rows_quarantined").asLong() == 2) {
                msft = run;
            }
        }
        assertThat(msft).as("the MSFT run").isNotNull();
        JsonNode detail = both("api/runs/" + msft.get("run_id").asText());
        assertThat(detail.get("symbols").get("MSFT").get("rows_quarantined").asLong()).isEqualTo(2);
        assertThat(get(data.lakeBase, "api/runs/19990101-nope").status()).isEqualTo(404);
        assertThat(get(data.icebergBase, "api/runs/19990101-nope").status()).isEqualTo(404);
        assertThat(get(data.pgBase, "api/runs/19990101-nope").status()).isEqualTo(404);
    }

    @Test
    void quarantineByRuleSymbolAndDateWithTheRows() throws Exception {
        JsonNode all = both("api/quarantine");
        assertThat(all.get("counts").get("rows")).hasSize(2);
        assertThat(column(all.get("counts"), "symbol")).extracting(JsonNode::asText).containsOnly("MSFT");
        assertThat(column(all.get("counts"), "date")).extracting(JsonNode::asText).containsExactly("2020-10-01", "2020-09-16");
        assertThat(column(all.get("rows"), "high")).extracting(JsonNode::asDouble).containsExactly(2.0, 1.0);
        String rule = column(all.get("counts"), "rule").getFirst().asText();
        assertThat(both("api/quarantine?rule=" + rule + "&symbol=MSFT&from=2020-09-01&to=2020-09-30").get("rows").get("rows")).hasSize(1);
        assertThat(both("api/quarantine?symbol=AAPL").get("rows").get("rows")).isEmpty();
    }

    @Test
    void coverageHeatmapAndAMonthsMissingDates() throws Exception {
        // Iceberg records no checked sessions (its sink has no recordChecked): MSFT's two quarantined sessions are
        // plain missing ones there, in the heatmap as in the coverage command
        JsonNode coverage = all("api/coverage", List.of(".checked"));
        assertThat(get(data.icebergBase, "api/coverage").body().get("checked")).isEmpty();
        assertThat(texts(coverage.get("symbols"))).containsExactly("AAPL", "MSFT");
        assertThat(texts(coverage.get("months"))).containsExactly("2020-08", "2020-09", "2020-10", "2020-11");
        assertThat(coverage.get("expected").toString()).as("from the first stored session, 2020-08-31, to the last, 2020-11-06").isEqualTo("[1,21,22,5]");
        assertThat(coverage.get("cells").toString()).isEqualTo("[[0,0,1],[0,1,21],[0,2,22],[0,3,5],[1,0,1],[1,1,20],[1,2,21],[1,3,5]]");
        assertThat(coverage.get("checked").toString()).as("MSFT's two quarantined sessions, as coverage counts them (lake markers, checked_sessions)")
                .isEqualTo("[[1,1,0,1],[1,2,0,1]]");
        JsonNode september = both("api/coverage/MSFT?month=2020-09");
        assertThat(texts(september.get("missing"))).containsExactly("2020-09-16");
        assertThat(september.get("expected")).hasSize(21);
        assertThat(both("api/coverage/AAPL?month=2020-09").get("missing")).isEmpty();
    }

    /**
     * The heatmap counts what the {@code coverage} command counts, per sink, symbol and month: expected sessions,
     * stored, checked-empty and quarantined (the command run once per month over the three sinks, as JSON).
     */
    @Test
    void coverageEqualsTheCoverageCommand() throws Exception {
        List<String> months = List.of("2020-08", "2020-09", "2020-10", "2020-11");
        Map<String, URI> sinks = new java.util.LinkedHashMap<>();
        sinks.put("postgres", data.pgBase);
        sinks.put("parquet:lake", data.lakeBase);
        sinks.put("iceberg:ice", data.icebergBase);
        // sink -> "SYMBOL MONTH" -> "expected stored checked-empty quarantined"
        Map<String, Map<String, String>> command = new java.util.HashMap<>();
        for (String month : months) {
            java.time.YearMonth ym = java.time.YearMonth.parse(month);
            List<String> args = new ArrayList<>(List.of("coverage", "--symbols", "AAPL,MSFT", "--from", ym.atDay(1).toString(),
                    "--to", ym.atEndOfMonth().toString(), "--format", "json"));
            sinks.keySet().forEach(sink -> args.addAll(List.of("--sink", sink)));
            String out = data.run(-1, args.toArray(String[]::new));
            JsonNode rows = JSON.readTree(out.substring(out.indexOf('[')));
            assertThat(rows).as(out).hasSize(2 * sinks.size());
            List<String> names = new ArrayList<>();
            for (JsonNode row : rows) {
                if (!names.contains(row.get("sink").asText())) {
                    names.add(row.get("sink").asText());
                }
                String sink = List.copyOf(sinks.keySet()).get(names.indexOf(row.get("sink").asText()));
                command.computeIfAbsent(sink, k -> new java.util.TreeMap<>()).put(row.get("symbol").asText() + " " + month,
                        row.get("expected").asInt() + " " + row.get("stored").asInt() + " " + row.get("checked_empty").asInt() + " " + row.get("quarantined").asInt());
            }
        }
        for (var sink : sinks.entrySet()) {
            JsonNode coverage = get(sink.getValue(), "api/coverage?from=2020-08-01&to=2020-11-30").body();
            assertThat(texts(coverage.get("months"))).isEqualTo(months);
            List<String> symbols = texts(coverage.get("symbols"));
            int[][][] counts = new int[3][symbols.size()][months.size()];
            coverage.get("cells").forEach(c -> counts[0][c.get(0).asInt()][c.get(1).asInt()] = c.get(2).asInt());
            coverage.get("checked").forEach(c -> {
                counts[1][c.get(0).asInt()][c.get(1).asInt()] = c.get(2).asInt();
                counts[2][c.get(0).asInt()][c.get(1).asInt()] = c.get(3).asInt();
            });
            Map<String, String> heatmap = new java.util.TreeMap<>();
            for (int s = 0; s < symbols.size(); s++) {
                for (int m = 0; m < months.size(); m++) {
                    heatmap.put(symbols.get(s) + " " + months.get(m), coverage.get("expected").get(m).asInt() + " " + counts[0][s][m] + " "
                            + counts[1][s][m] + " " + counts[2][s][m]);
                }
            }
            assertThat(heatmap).as(sink.getKey() + ": the heatmap vs the coverage command").isEqualTo(command.get(sink.getKey()));
        }
        assertThat(command.get("postgres")).as("what was ingested").containsEntry("AAPL 2020-08", "21 1 0 0").containsEntry("MSFT 2020-09", "21 20 0 1")
                .containsEntry("AAPL 2020-11", "20 5 0 0");
        assertThat(command.get("iceberg:ice")).containsEntry("MSFT 2020-09", "21 20 0 0");
    }

    @Test
    void nothingStoredIsAnEmptyAnswerNotAnError() throws Exception {
        assertThat(both("api/prices/ZZZZ").get("rows")).isEmpty();
        assertThat(both("api/prices/ZZZZ?interval=5m").get("rows")).isEmpty();
        assertThat(both("api/cumulative/ZZZZ").get("rows")).isEmpty();
        assertThat(both("api/options/ZZZZ").get("dates")).isEmpty();
        assertThat(both("api/fundamentals/ZZZZ").get("rows")).isEmpty();
        assertThat(both("api/coverage/ZZZZ?month=2020-09").get("stored")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/prices/AAPL%27%3B%20DROP%20TABLE%20prices_daily%3B--", "api/prices/..%2F..%2Fetc", "api/prices/AAPL?from=yesterday",
        "api/prices/AAPL?interval=1d%27", "api/quarantine?rule=x%27%20OR%201%3D1", "api/runs/..%2Fx", "api/coverage/AAPL?month=2020-13",
        "api/runs?limit=0"})
    void invalidValuesAreRefusedBeforeAnyQuery(String path) throws Exception {
        for (URI base : List.of(data.pgBase, data.lakeBase, data.icebergBase)) {
            Got got = get(base, path);
            assertThat(got.status()).as(path + ": " + got.body()).isEqualTo(path.contains("..") ? 404 : 400);
            assertThat(got.body().get("error").asText()).isNotBlank();
        }
        assertThat(both("api/symbols").get("symbols")).as("the tables are still there").hasSize(2);
    }

    @Test
    void headersMethodsHostsAndUnknownPaths() throws Exception {
        Got page = get(data.lakeBase, "");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.response().headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").contains("connect-src 'self'"));
        assertThat(page.response().body()).contains("/static/echarts.min.js").doesNotContain("http://").doesNotContain("https://");
        assertThat(get(data.lakeBase, "static/echarts.min.js").response().body()).contains("echarts");
        assertThat(get(data.pgBase, "api/nothing-here").status()).isEqualTo(404);
        assertThat(get(data.pgBase, "secret.txt").status()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(data.pgBase.resolve("api/symbols")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(raw(data.lakeBase, "GET /api/symbols HTTP/1.1\r\nHost: attacker.example:80\r\nConnection: close\r\n\r\n"))
                .as("DNS rebinding: a loopback dashboard answers to localhost names only").startsWith("HTTP/1.1 421");
    }

    @Test
    void survivesClientsThatGoAwayMidAnswer() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket(data.lakeBase.getHost(), data.lakeBase.getPort())) {
                socket.getOutputStream().write("GET /static/echarts.min.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                socket.getInputStream().read(new byte[100]);
                socket.setSoLinger(true, 0); // reset, mid-answer
            }
        }
        assertThat(both("api/prices/AAPL").get("rows")).as("still answering").hasSize(49);
    }

    private static String raw(URI base, String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
