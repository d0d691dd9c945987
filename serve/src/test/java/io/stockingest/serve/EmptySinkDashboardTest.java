package io.stockingest.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server over a sink that holds nothing yet: every endpoint answers an empty table, never an error. */
class EmptySinkDashboardTest {
    private static EmptyReader reader;
    private static DashboardServer server;
    private static URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        reader = new EmptyReader();
        server = DashboardServer.start(new DashboardApi(reader, LocalDate.of(2024, 10, 1)), InetAddress.getLoopbackAddress(), 0);
        base = URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterAll
    static void stop() {
        server.close();
        reader.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyEndpointAnswersEmpty() throws Exception {
        for (String path : new String[] {"api/symbols", "api/prices/AAPL", "api/prices/AAPL?interval=5m", "api/cumulative/AAPL", "api/actions/AAPL",
            "api/options/AAPL", "api/fundamentals/AAPL", "api/runs", "api/quarantine", "api/coverage", "api/coverage/AAPL?month=2024-09"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(response.body()).as(path).doesNotContain("error");
        }
        assertThat(get("api/prices/AAPL").body()).contains("\"rows\":[]");
        assertThat(get("api/coverage/AAPL?month=2024-09").body()).as("September 2024: 20 sessions, all missing")
                .contains("\"missing\":[\"2024-09-03\",").endsWith("\"2024-09-30\"]}");
    }

    @Test
    void pagesComeFromTheJarWithTheirPolicy() throws Exception {
        HttpResponse<String> page = get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(DashboardServer.CSP);
        assertThat(page.body()).contains("<script src=\"/static/app.js\" defer></script>");
        assertThat(get("static/echarts.min.js").body().contains("t.version=\"5.3.1\"")).as("ECharts 5.3.1 from its WebJar").isTrue();
        assertThat(get("static/app.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("static/../pom.xml").statusCode()).isEqualTo(404);
    }

    @Test
    void invalidValuesAre400WithAMessage() throws Exception {
        HttpResponse<String> bad = get("api/prices/AAPL%3B%20DROP");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Invalid symbol 'AAPL; DROP'");
        assertThat(get("api/prices/AAPL?from=2024-13-01").body()).contains("Invalid from '2024-13-01': use an ISO date");
        assertThat(get("api/runs?limit=x").body()).contains("Invalid limit 'x'");
        assertThat(get("api/coverage/AAPL").body()).contains("Missing query parameter 'month'");
    }
}
