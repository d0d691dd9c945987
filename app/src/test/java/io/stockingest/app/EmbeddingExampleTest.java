package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingExampleTest {
    @TempDir
    Path lake;

    @Test
    void theDocumentedExampleRunsAnIngest() {
        try (FixtureServer yahoo = new FixtureServer()) {
            yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
            RunReport report = EmbeddingExample.ingest(Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "50/sec"), lake.toString());
            assertThat(report.exitCode()).isZero();
            assertThat(report.rowsWritten()).isEqualTo(49);
            assertThat(lake.resolve("raw/prices/symbol=AAPL/year=2020/month=11/AAPL-2020-11-06.parquet")).exists();
        }
    }

    @Test
    void theDocsShowTheExampleWordForWord() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/stockingest/app/EmbeddingExample.java"));
        String example = source.substring(source.indexOf("// --8<-- [start:example]\n") + "// --8<-- [start:example]\n".length(),
                source.indexOf("        // --8<-- [end:example]"));
        String docs = Files.readString(Path.of("../docs/embedding.md"));
        assertThat(docs).contains(example.stripTrailing().stripIndent().strip());
    }
}
