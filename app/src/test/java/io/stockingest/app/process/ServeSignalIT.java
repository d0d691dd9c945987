package io.stockingest.app.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as a real child process of the fat jar: it answers on loopback, and SIGTERM ends it with 0; bad usage is 2. */
class ServeSignalIT {
    private static final Map<String, String> ENV = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

    @Test
    void servesOnLoopbackAndExitsZeroOnSigterm(@TempDir Path work) throws Exception {
        Files.createDirectories(work.resolve("data"));
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "parquet:data", "--port", "0"))) {
            Pattern url = Pattern.compile("at (http://127\\.0\\.0\\.1:[0-9]+/)");
            serve.await(() -> url.matcher(serve.out()).find(), Duration.ofSeconds(60));
            Matcher m = url.matcher(serve.out());
            assertThat(m.find()).isTrue();
            HttpResponse<String> symbols = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "api/symbols")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(symbols.statusCode()).isEqualTo(200);
            assertThat(symbols.body()).isEqualTo("{\"symbols\":[]}");
            assertThat(serve.err()).as("loopback: no warning").doesNotContain("warning");
            serve.signal("TERM");
            assertThat(serve.waitFor(Duration.ofSeconds(60))).as("exit after SIGTERM; stderr:%n%s", serve.err()).isZero();
            assertThat(serve.out()).contains("stock-ingest serve: stopped");
        }
    }

    @Test
    void aSinkItCannotReadIsBadUsage(@TempDir Path work) throws Exception {
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "snowflake"))) {
            assertThat(serve.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(serve.err()).contains("serve reads ").contains("parquet:DIR").contains("postgres").contains("it cannot read 'snowflake'");
        }
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "parquet:missing"))) {
            assertThat(serve.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(serve.err()).contains("No lake at");
        }
    }
}
