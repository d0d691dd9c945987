package io.stockingest.sink.s3;

import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.ParquetFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.PartialWriteException;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeDatasetsTest {
    private static final RunContext CONTEXT = RunContext.start("fundamentals", "fmp", Instant.parse("2024-10-01T00:00:00Z"));

    @TempDir
    Path root;

    private LakeSink sink() {
        return new LakeSink("parquet:" + root, new LocalLakeStorage(root), LakeLayout.DEFAULT);
    }

    @Test
    void statementsGoOneFilePerPeriodWithEveryLineItem() throws IOException {
        FinancialStatement income = new FinancialStatement(Symbol.parse("AAPL"), StatementType.INCOME, "FY", 2024, LocalDate.of(2024, 9, 28),
                LocalDate.of(2024, 11, 1), Instant.parse("2024-11-01T10:01:36Z"), "USD",
                Map.of("revenue", 391035000000.0, "eps", 6.11, "brandNewField", 1.0), "fmp");
        assertThat(sink().writeStatements(List.of(income), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(1, 0, 1));
        Path file = root.resolve("raw/fundamentals/type=income/symbol=AAPL/year=2024/docdate=2024-09-28/AAPL-2024-09-28.parquet");
        Map<String, Object> row = ParquetFiles.readRows(Files.readAllBytes(file)).getFirst();
        assertThat(row).containsEntry("statement_type", "income").containsEntry("period", "FY").containsEntry("fiscal_year", 2024)
                .containsEntry("period_end", LocalDate.of(2024, 9, 28)).containsEntry("currency", "USD");
        assertThat(row.get("line_items").toString()).contains("revenue=3.91035E11").contains("brandNewField=1.0").contains("eps=6.11");
        assertThat(sink().writeStatements(List.of(income), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(0, 1, 0));
    }

    @Test
    void optionsGoOneFilePerUnderlyingAndDate() throws IOException {
        OptionSnapshot call = new OptionSnapshot("O:AAPL241018C00150000", Symbol.parse("AAPL"), "call", "american", 150, LocalDate.of(2024, 10, 18),
                100.0, 1.0, 2.0, 0.5, 1.5, 10.0, 1.2, 500.0, 0.35, 0.6, 0.02, -0.1, 0.2, 151.5, 148.0, Instant.parse("2024-09-30T20:00:00Z"),
                LocalDate.of(2024, 9, 30), "polygon");
        sink().writeOptions(List.of(call), WriteOptions.DEFAULT, CONTEXT);
        Path file = root.resolve("raw/options/underlying=AAPL/date=2024-09-30/AAPL-2024-09-30.parquet");
        assertThat(ParquetFiles.readRows(Files.readAllBytes(file)).getFirst())
                .containsEntry("contract", "O:AAPL241018C00150000").containsEntry("strike", 150.0).containsEntry("delta", 0.6)
                .containsEntry("implied_volatility", 0.35).containsEntry("expiration", LocalDate.of(2024, 10, 18));
    }

    @Test
    void actionsMergeIntoOneFilePerSymbolAndTypeAndSkipWhenUnchanged() throws IOException {
        CorporateAction split = new CorporateAction(Symbol.parse("AAPL"), CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4.0, 1.0,
                null, null, null, null, "yahoo");
        CorporateAction dividend = new CorporateAction(Symbol.parse("AAPL"), CorporateAction.Type.DIVIDEND, LocalDate.of(2020, 11, 6), 0.205,
                null, null, null, null, null, "USD", "yahoo");
        CorporateAction laterDividend = new CorporateAction(Symbol.parse("AAPL"), CorporateAction.Type.DIVIDEND, LocalDate.of(2021, 2, 5), 0.205,
                null, null, null, null, null, "USD", "yahoo");
        assertThat(sink().writeActions(List.of(split, dividend), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(2, 0, 2));
        assertThat(sink().writeActions(List.of(split, dividend), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(0, 2, 0));
        assertThat(sink().writeActions(List.of(laterDividend), WriteOptions.DEFAULT, CONTEXT)).isEqualTo(new WriteResult(1, 0, 2));
        Path dividends = root.resolve("raw/actions/type=dividend/symbol=AAPL/AAPL-dividends.parquet");
        assertThat(ParquetFiles.readRows(Files.readAllBytes(dividends))).extracting(r -> r.get("ex_date"))
                .containsExactly(LocalDate.of(2020, 11, 6), LocalDate.of(2021, 2, 5));
        assertThat(ParquetFiles.readRows(Files.readAllBytes(root.resolve("raw/actions/type=split/symbol=AAPL/AAPL-splits.parquet"))).getFirst())
                .containsEntry("numerator", 4.0).containsEntry("denominator", 1.0);
    }

    /** A storage whose disk fills once {@code room} files are stored (puts of either kind). */
    private LakeSink fillsAfter(int room) {
        LakeStorage full = new ForwardingLakeStorage(new LocalLakeStorage(root)) {
            private int stored;

            private void spend(String key) {
                if (stored == room) {
                    throw new IngestException(ErrorKind.SINK, "Cannot write " + key + ": No space left on device");
                }
                stored++;
            }

            @Override
            public boolean putIfAbsent(String key, byte[] bytes) {
                spend(key);
                return super.putIfAbsent(key, bytes);
            }

            @Override
            public void put(String key, byte[] bytes) {
                spend(key);
                super.put(key, bytes);
            }
        };
        return new LakeSink("parquet:" + root, full, LakeLayout.DEFAULT, 1);
    }

    /** Issue 17 item 3 for actions: the split file is stored, the disk is full at the dividends; the failure says so. */
    @Test
    void actionsThatFailMidwayReportTheFileStored() {
        CorporateAction split = new CorporateAction(Symbol.parse("AAPL"), CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4.0, 1.0,
                null, null, null, null, "yahoo");
        CorporateAction dividend = new CorporateAction(Symbol.parse("AAPL"), CorporateAction.Type.DIVIDEND, LocalDate.of(2020, 11, 6), 0.205,
                null, null, null, null, null, "USD", "yahoo");

        assertThatThrownBy(() -> fillsAfter(1).writeActions(List.of(split, dividend), WriteOptions.DEFAULT, CONTEXT))
                .isInstanceOfSatisfying(PartialWriteException.class, e -> {
                    assertThat(e.written()).as("what is durably there").isEqualTo(new WriteResult(1, 0, 1));
                    assertThat(e.getMessage()).contains("No space left on device");
                });
        assertThat(root.resolve("raw/actions/type=dividend/symbol=AAPL/AAPL-dividends.parquet")).as("one of the two files").exists();
    }

    /** The same for options: two snapshot dates, the disk full after the first file. */
    @Test
    void optionsThatFailMidwayReportTheFileStored() {
        OptionSnapshot monday = new OptionSnapshot("O:AAPL241018C00150000", Symbol.parse("AAPL"), "call", "american", 150, LocalDate.of(2024, 10, 18),
                100.0, 1.0, 2.0, 0.5, 1.5, 10.0, 1.2, 500.0, 0.35, 0.6, 0.02, -0.1, 0.2, 151.5, 148.0, Instant.parse("2024-09-30T20:00:00Z"),
                LocalDate.of(2024, 9, 30), "polygon");
        OptionSnapshot tuesday = new OptionSnapshot("O:AAPL241018C00150000", Symbol.parse("AAPL"), "call", "american", 150, LocalDate.of(2024, 10, 18),
                100.0, 1.0, 2.0, 0.5, 1.5, 10.0, 1.2, 500.0, 0.35, 0.6, 0.02, -0.1, 0.2, 151.5, 148.0, Instant.parse("2024-10-01T20:00:00Z"),
                LocalDate.of(2024, 10, 1), "polygon");

        assertThatThrownBy(() -> fillsAfter(1).writeOptions(List.of(monday, tuesday), WriteOptions.DEFAULT, CONTEXT))
                .isInstanceOfSatisfying(PartialWriteException.class, e -> assertThat(e.written()).isEqualTo(new WriteResult(1, 0, 1)));
    }
}
