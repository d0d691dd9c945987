package io.stockingest.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.lake.LakeLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} over an S3 lake (s3proxy on 127.0.0.1): the files are copied once, then again only when their ETag changed. */
class S3LakeReadOnlyAccessTest {
    private static final RunContext CONTEXT = new RunContext("1727740800", "prices", "yahoo", Instant.parse("2024-10-01T00:00:00Z"),
            Instant.parse("2024-10-01T00:00:00Z"));
    private static final Symbol AAPL = Symbol.parse("AAPL");

    private final String bucket = S3TestServer.newBucket();

    private static List<Bar> sessions(LocalDate from, LocalDate to, double offset) {
        List<Bar> bars = new ArrayList<>();
        for (var session : NyseCalendar.instance().sessions(from, to)) {
            Instant ts = session.date().atTime(LocalTime.of(9, 30)).atZone(NyseCalendar.NEW_YORK).toInstant();
            double close = 100 + session.date().getDayOfMonth() + offset;
            bars.add(new Bar(AAPL, Interval.D1, ts, session.date(), close - 1, close + 1, close - 2, close, close, 1_000L, null, null, "yahoo",
                    Adjustment.SPLITS));
        }
        return bars;
    }

    private void write(List<Bar> bars, WriteOptions options) {
        S3LakeStorage storage = S3TestServer.storage(bucket, "lake");
        try (LakeSink sink = new LakeSink(storage.describe(), storage, LakeLayout.DEFAULT)) {
            sink.writeBars(new BarBatch(AAPL, Interval.D1, new DateRange(bars.getFirst().date(), bars.getLast().date()), bars, options, CONTEXT));
        }
    }

    @Test
    void readsTheLakeThroughItsLocalCopy() {
        write(sessions(LocalDate.of(2024, 9, 3), LocalDate.of(2024, 9, 30), 0), WriteOptions.DEFAULT);
        try (SinkReader reader = new S3SinkFactory().openReader("s3://" + bucket + "/lake", S3TestServer.settings())) {
            assertThat(reader.describe()).startsWith("s3://" + bucket + "/lake (read from its copy in ").doesNotContain(S3TestServer.SECRET_KEY);
            assertThat(reader.symbols()).containsExactly("AAPL");
            assertThat(reader.daily(AAPL, LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30)).column("close")).hasSize(20).first()
                    .isEqualTo(103.0);
            assertThat(reader.storedSessions().storedSessions(List.of(AAPL), Interval.D1,
                    new DateRange(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 30))).get(AAPL).dates()).hasSize(20);
        }
    }

    @Test
    void fetchesOnlyFilesWhoseETagChangedAndDropsDeletedOnes(@TempDir Path copy) throws Exception {
        // price files only (feature files are mirrored the same way, but a rewrite also rewrites them)
        write(sessions(LocalDate.of(2024, 9, 3), LocalDate.of(2024, 9, 6), 0),
                new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.SKIP, WriteOptions.Features.SKIP));
        S3LakeStorage storage = S3TestServer.storage(bucket, "lake");
        LakeMirror mirror = new LakeMirror(storage, LakeLayout.DEFAULT);
        assertThat(mirror.sync(copy)).isEqualTo(new LakeMirror.Result(4, 0, 0));
        assertThat(mirror.sync(copy)).as("nothing changed").isEqualTo(new LakeMirror.Result(0, 4, 0));

        write(sessions(LocalDate.of(2024, 9, 6), LocalDate.of(2024, 9, 6), 5), new WriteOptions(WriteOptions.Layout.DAILY, WriteOptions.Existing.OVERWRITE, WriteOptions.Features.SKIP));
        assertThat(mirror.sync(copy)).as("one file rewritten").isEqualTo(new LakeMirror.Result(1, 3, 0));
        String key = "raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-03.parquet";
        assertThat(copy.resolve(key)).exists();
        S3TestServer.admin().deleteObject(r -> r.bucket(bucket).key("lake/" + key));
        assertThat(mirror.sync(copy)).isEqualTo(new LakeMirror.Result(0, 3, 1));
        assertThat(copy.resolve(key)).doesNotExist();
        assertThat(Files.readString(copy.resolve(".etags"))).contains("AAPL-2024-09-06.parquet=");
        storage.close();
    }
}
