package io.stockingest.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final FakeTicker ticker = new FakeTicker();

    @Test
    void plainLinesShowThePaceSoFarAndTheTimeLeftAtIt() {
        Progress progress = Progress.forStream(out, false, ticker);
        progress.start(10);
        ticker.advance(Duration.ofSeconds(4));
        progress.advance("AAPL");
        progress.advance("MSFT");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "progress: 1/10 symbols (10%), 0.3/s, ETA 0:36, last AAPL" + System.lineSeparator()
                        + "progress: 2/10 symbols (20%), 0.5/s, ETA 0:16, last MSFT" + System.lineSeparator());
    }

    @Test
    void theTerminalBarShowsRateAndEtaAndLongRunsCountHours() {
        Progress progress = Progress.forStream(out, true, ticker);
        progress.start(10_000);
        ticker.advance(Duration.ofSeconds(10));
        progress.advance("AAPL");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).as("1 symbol in 10 s, 9,999 to go").contains("] 1/10000 0.1/s, ETA 27:46:30").contains("AAPL");
    }

    @Test
    void noPaceBeforeAnyTimePassed() {
        Progress progress = Progress.forStream(out, false, ticker);
        progress.start(1);
        progress.advance("AAPL");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("progress: 1/1 symbols (100%), last AAPL" + System.lineSeparator());
    }
}
