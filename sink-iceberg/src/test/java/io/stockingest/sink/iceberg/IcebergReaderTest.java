package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --sink iceberg:DIR}'s reader: a warehouse written through the sink (embedded SQLite catalog) is read
 * back by the factory's {@link io.stockingest.core.spi.ReadOnlyAccess} (DuckDB over the files Iceberg's scan plans),
 * and its symbols, a symbol's daily series and its coverage by month equal what was written.
 */
class IcebergReaderTest {
    private static final java.time.LocalDate FROM = AbstractIcebergSinkTest.FROM;
    private static final java.time.LocalDate TO = AbstractIcebergSinkTest.TO;

    @TempDir
    Path dir;

    private static Settings settings() {
        return Settings.of(Map.of());
    }

    @Test
    void readsBackWhatTheSinkWrote() {
        List<Bar> aaa = AbstractIcebergSinkTest.bars("AAA", FROM, TO, 100);
        List<Bar> bbb = AbstractIcebergSinkTest.bars("BBB", FROM, TO, 50);
        try (IcebergSink sink = IcebergSink.open(IcebergConfig.from("iceberg:" + dir.resolve("ice"), settings()), settings())) {
            AbstractIcebergSinkTest.write(sink, AbstractIcebergSinkTest.run(1), List.of(aaa, bbb));
        }
        IcebergSinkFactory factory = new IcebergSinkFactory();
        try (SinkReader reader = factory.openReader("iceberg:" + dir.resolve("ice"), settings())) {
            assertThat(reader.describe()).contains("ice");
            assertThat(reader.symbols()).containsExactly("AAA", "BBB");

            Table daily = reader.daily(new Symbol("AAA"), FROM, TO);
            assertThat(daily.columns()).containsExactly("date", "open", "high", "low", "close", "adj_close", "volume", "ma_20", "ma_50", "volatility_20d");
            assertThat(daily.column("date")).isEqualTo(aaa.stream().map(b -> (Object) b.date().toString()).toList());
            assertThat(daily.column("open")).isEqualTo(aaa.stream().map(b -> (Object) b.open()).toList());
            assertThat(daily.column("close")).isEqualTo(aaa.stream().map(b -> (Object) b.close()).toList());
            assertThat(daily.column("volume")).isEqualTo(aaa.stream().map(b -> (Object) b.volume()).toList());
            // MA20 of the 20th session is the mean of the first 20 closes; none before it
            assertThat(daily.column("ma_20").subList(0, 19)).containsOnlyNulls();
            double mean = aaa.subList(0, 20).stream().mapToDouble(Bar::close).average().orElseThrow();
            assertThat((Double) daily.column("ma_20").get(19)).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));

            // a sub-range, and a symbol with nothing stored
            assertThat(reader.daily(new Symbol("BBB"), aaa.get(5).date(), aaa.get(9).date()).column("close"))
                    .isEqualTo(bbb.subList(5, 10).stream().map(b -> (Object) b.close()).toList());
            assertThat(reader.daily(new Symbol("ZZZ"), FROM, TO).rows()).isEmpty();

            // coverage by month, counted in place, equals the written sessions per symbol and month
            List<List<Object>> expected = new ArrayList<>();
            for (List<Bar> bars : List.of(aaa, bbb)) {
                Map<String, List<Bar>> byMonth = new TreeMap<>();
                bars.forEach(b -> byMonth.computeIfAbsent(b.date().toString().substring(0, 7), m -> new ArrayList<>()).add(b));
                byMonth.forEach((month, held) -> expected.add(List.of(held.getFirst().symbol().value(), month, (long) held.size(),
                        held.getFirst().date().toString(), held.getLast().date().toString())));
            }
            Table months = reader.storedByMonth(new DateRange(FROM, TO)).orElseThrow();
            assertThat(months.columns()).containsExactly("symbol", "month", "stored", "first", "last");
            assertThat(months.rows()).isEqualTo(expected);
            assertThat(reader.storedSessions().storedSessions(List.of(new Symbol("AAA")), aaa.getFirst().interval(), new DateRange(FROM, TO))
                    .get(new Symbol("AAA")).dates()).hasSize(aaa.size());

            // the other pages answer empty, not with an error, when nothing of theirs is stored
            assertThat(reader.intervals(new Symbol("AAA"))).isEmpty();
            assertThat(reader.optionDates(new Symbol("AAA"))).isEmpty();
            assertThat(reader.quarantineCounts(null, null, null, null).rows()).isEmpty();
        }
    }

    @Test
    void refusesADirectoryThatDoesNotExistAndCreatesNothing() {
        assertThatThrownBy(() -> new IcebergSinkFactory().openReader("iceberg:" + dir.resolve("missing"), settings()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE));
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
        // an existing directory that holds no catalog: refused too, and no catalog.db appears
        assertThatThrownBy(() -> new IcebergSinkFactory().openReader("iceberg:" + dir, settings()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE));
        assertThat(Files.exists(dir.resolve("catalog.db"))).isFalse();
    }
}
