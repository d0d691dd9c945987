package io.stockingest.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.PartialWriteException;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteResult;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.InMemorySink;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetIngestTest {
    private final FakeTicker ticker = new FakeTicker();
    private final InMemorySink sink = new InMemorySink();
    private final RunContext context = RunContext.start("options", "test", Instant.parse("2024-10-01T02:00:00Z"));

    private RunReport run(IngestException writeFailure) {
        return new DatasetIngest<String>("test", List.of(sink), ticker, Progress.silent()).run(List.of(new Symbol("AAPL"), new Symbol("MSFT")), 2,
                symbol -> List.of(symbol.value() + "-1", symbol.value() + "-2"),
                (s, records) -> {
                    if (writeFailure != null && records.getFirst().startsWith("AAPL")) {
                        throw writeFailure;
                    }
                    return new WriteResult(1, 0, records.size());
                }, context, null, null);
    }

    @Test
    void aSinkGateRefusingASymbolMarksItGatedAndExits3() {
        RunReport report = run(new IngestException(ErrorKind.DQ_GATE, "Data-quality gate refused 2 option snapshots of AAPL: 1 breaking strike_positive"));
        assertThat(report.exitCode()).isEqualTo(3);
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("gated");
        assertThat(report.symbols().get("AAPL").errors()).singleElement().asString().contains("strike_positive");
        assertThat(report.symbols().get("MSFT").status()).isEqualTo("ok");
        assertThat(report.rowsWritten()).isEqualTo(2);
    }

    @Test
    void aSinkErrorFailsTheSymbolWithExit1() {
        RunReport report = run(new IngestException(ErrorKind.SINK, "Cannot load 2 option snapshots of AAPL: connection reset"));
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("failed");
    }

    /** Issue 17 item 3: what a failed write stored (a full disk after one of AAPL's files) is counted, not lost. */
    @Test
    void aWriteThatFailsMidwayCountsWhatItStored() {
        RunReport report = run(new PartialWriteException(new IngestException(ErrorKind.SINK, "Cannot write AAPL-2.parquet: No space left on device"),
                new WriteResult(1, 0, 1)));
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.symbols().get("AAPL").status()).isEqualTo("failed");
        assertThat(report.symbols().get("AAPL").filesWritten()).as("the file AAPL stored before the disk filled").isEqualTo(1);
        assertThat(report.filesWritten()).as("AAPL's one file and MSFT's").isEqualTo(2);
        assertThat(report.rowsWritten()).isEqualTo(3);
        assertThat(report.summary()).contains("files     2 written");
    }

    @Test
    void aRunWithoutADateRangeSaysNoneInItsHeaderAndCountsItsSink() {
        String summary = run(null).summary();
        assertThat(summary.lines().findFirst().orElseThrow()).as("header").startsWith("run ").contains("options --source test  succeeded (exit 0)")
                .doesNotContain("null");
        assertThat(summary).contains("files     2 written, 0 skipped").contains("rows      4 written");
    }

    @Test
    void aCleanRunExits0() {
        assertThat(run(null).exitCode()).isZero();
        assertThat(run(null).rowsWritten()).isEqualTo(4);
    }
}
