package io.stockingest.sink.iceberg;

import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.model.Bar;
import io.stockingest.lake.LakeSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntToLongFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * Rows in the lake's form (Avro records of {@link io.stockingest.sink.s3.LakeSchemas}: dates as days, timestamps as
 * microseconds, strings) whichever way they came: built from the model, or read back from a table by Iceberg's
 * generic reader. Also the content digest that tells whether a write would change a table.
 *
 * <p>Stateless and thread-safe.
 */
final class LakeRows {
    private static final OffsetDateTime EPOCH = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private LakeRows() {}

    /** A row read by Iceberg's generic reader as a record of {@code avro} (matched by column name). */
    static GenericRecord fromIceberg(Record row, Schema avro) {
        GenericRecord out = new GenericData.Record(avro);
        for (Schema.Field field : avro.getFields()) {
            Object value = row.getField(field.name());
            out.put(field.pos(), switch (value) {
                case null -> null;
                case LocalDate date -> (int) date.toEpochDay();
                case OffsetDateTime ts -> ChronoUnit.MICROS.between(EPOCH, ts);
                case LocalDateTime ts -> ChronoUnit.MICROS.between(EPOCH, ts.atOffset(ZoneOffset.UTC));
                case CharSequence text -> text.toString();
                default -> value;
            });
        }
        return out;
    }

    /**
     * The content of {@code bars} as {@link io.stockingest.lake.LakeSchemas#bar} records stamped {@code ingestTs}
     * (which the digest leaves out), digested from the bars' fields ({@link #digest(Bar)}).
     */
    static Content content(List<Bar> bars, Instant ingestTs) {
        long sum = 0;
        for (Bar bar : bars) {
            sum += digest(bar);
        }
        return new Content(bars.size(), sum);
    }

    /**
     * {@link #digest(GenericRecord)} of {@link LakeSchemas#bar}'s record of {@code bar}, computed from the bar's
     * fields without building the record: the same value, column by column of the record's schema.
     */
    static long digest(Bar bar) {
        Schema schema = bar.interval().isIntraday() ? LakeSchemas.INTRADAY : LakeSchemas.DAILY;
        long h = 0xcbf29ce484222325L;
        for (Schema.Field field : schema.getFields()) {
            String name = field.name();
            if (name.equals("ingest_ts")) {
                continue;
            }
            h = mix(h, field.pos());
            h = switch (name) {
                case "symbol" -> text(h, bar.symbol().value());
                case "date" -> mix(h, (int) bar.date().toEpochDay());
                case "ts" -> mix(h, LakeSchemas.micros(bar.ts()));
                case "interval" -> text(h, bar.interval().code());
                case "open" -> mix(h, Double.doubleToLongBits(bar.open()));
                case "high" -> mix(h, Double.doubleToLongBits(bar.high()));
                case "low" -> mix(h, Double.doubleToLongBits(bar.low()));
                case "close" -> mix(h, Double.doubleToLongBits(bar.close()));
                case "adj_close" -> bar.adjClose() == null ? mix(h, NULL) : mix(h, Double.doubleToLongBits(bar.adjClose()));
                case "volume" -> mix(h, bar.volume());
                case "vwap" -> bar.vwap() == null ? mix(h, NULL) : mix(h, Double.doubleToLongBits(bar.vwap()));
                case "transactions" -> bar.transactions() == null ? mix(h, NULL) : mix(h, bar.transactions());
                case "source" -> text(h, bar.source());
                case "venue" -> text(h, bar.venue().code());
                default -> throw new IllegalStateException("no digest for the bar column " + name);
            };
        }
        return finish(h);
    }

    private static final long NULL = 0x6e756c6cL;

    private static long text(long h, String text) {
        return text == null ? mix(h, NULL) : bytes(h, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of one column as a comparable key part (strings and numbers as they are). */
    static Object keyPart(GenericRecord row, String column) {
        Object value = row.get(column);
        return value instanceof CharSequence text ? text.toString() : value;
    }

    /**
     * A 64-bit digest of a row's values, {@code ingest_ts} left out (a rerun stamps a new one on equal data). The
     * digests of a set of rows add up (mod 2^64) to one that does not depend on their order.
     */
    static long digest(GenericRecord row) {
        long h = 0xcbf29ce484222325L;
        for (Schema.Field field : row.getSchema().getFields()) {
            if (field.name().equals("ingest_ts")) {
                continue;
            }
            Object value = row.get(field.pos());
            h = mix(h, field.pos());
            h = switch (value) {
                case null -> mix(h, NULL);
                case Double d -> mix(h, Double.doubleToLongBits(d));
                case Float f -> mix(h, Double.doubleToLongBits(f));
                case Number n -> mix(h, n.longValue());
                case CharSequence text -> bytes(h, text.toString().getBytes(StandardCharsets.UTF_8));
                case Map<?, ?> map -> bytes(h, new TreeMap<>(map).toString().getBytes(StandardCharsets.UTF_8));
                case List<?> list -> list(h, list);
                default -> bytes(h, value.toString().getBytes(StandardCharsets.UTF_8));
            };
        }
        return finish(h);
    }

    /**
     * {@link #digest} of row {@code row} of {@code f} as a {@link LakeSchemas#FEATURES} record
     * ({@link LakeSchemas#features}), computed from the series' columns without building the record: the same value,
     * which a rerun compares against the digest of the row read back from the table.
     *
     * @param symbolHash {@link #symbolHash} of the series' symbol
     */
    static long featuresDigest(FeatureSeries f, int row, long symbolHash) {
        long h = mix(symbolHash, 1);
        h = mix(h, f.date(row).toEpochDay());
        h = mix(mix(h, 2), Double.doubleToLongBits(f.close(row)));
        h = optional(mix(h, 3), f.ma20(row));
        h = optional(mix(h, 4), f.ma50(row));
        h = optional(mix(h, 5), f.volatility20d(row));
        return finish(h);
    }

    /** {@link #digest} of row {@code row} of {@code f} as a {@link LakeSchemas#CUMULATIVE_7D} record, as {@link #featuresDigest}. */
    static long cumulativeDigest(FeatureSeries f, int row, long symbolHash) {
        long h = mix(symbolHash, 1);
        h = mix(h, f.date(row).toEpochDay());
        int n = f.cumulativeLength(row);
        long x = column(mix(h, 2), n, k -> Double.doubleToLongBits(f.open(row, k)));
        x = column(mix(x, 3), n, k -> Double.doubleToLongBits(f.high(row, k)));
        x = column(mix(x, 4), n, k -> Double.doubleToLongBits(f.low(row, k)));
        x = column(mix(x, 5), n, k -> Double.doubleToLongBits(f.close(row, k)));
        x = column(mix(x, 6), n, k -> f.volume(row, k));
        x = optional(mix(x, 7), f.avg7DayVolume(row));
        x = optional(mix(x, 8), f.volatility7Day(row));
        return finish(x);
    }

    /**
     * The running hash of {@link #digest} after a feature record's first column, its symbol (the same for every row
     * of a series): the start of {@link #featuresDigest} and {@link #cumulativeDigest}.
     */
    static long symbolHash(String symbol) {
        return bytes(mix(0xcbf29ce484222325L, 0), symbol.getBytes(StandardCharsets.UTF_8));
    }

    /** A list column of {@code n} elements as {@link #list} hashes it: its size, then each element's bits. */
    private static long column(long h, int n, IntToLongFunction element) {
        long x = mix(h, n);
        for (int k = 0; k < n; k++) {
            x = mix(x, element.applyAsLong(k));
        }
        return x;
    }

    /** An optional feature: NaN is stored as null ({@link LakeSchemas#features}). */
    private static long optional(long h, double value) {
        return Double.isNaN(value) ? mix(h, NULL) : mix(h, Double.doubleToLongBits(value));
    }

    /** A list of numbers (the 7-session arrays) element by element: its text would cost a decimal conversion per value. */
    private static long list(long h, List<?> list) {
        long x = mix(h, list.size());
        for (Object element : list) {
            x = switch (element) {
                case null -> mix(x, NULL);
                case Double d -> mix(x, Double.doubleToLongBits(d));
                case Number n -> mix(x, n.longValue());
                default -> bytes(x, element.toString().getBytes(StandardCharsets.UTF_8));
            };
        }
        return x;
    }

    private static long bytes(long h, byte[] bytes) {
        long x = mix(h, bytes.length);
        for (byte b : bytes) {
            x = (x ^ (b & 0xff)) * 0x100000001b3L;
        }
        return x;
    }

    private static long mix(long h, long v) {
        return (h ^ finish(v)) * 0x100000001b3L;
    }

    /** SplitMix64's finalizer. */
    private static long finish(long v) {
        long z = v + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The order-independent content of a set of rows: how many, and the sum of their digests. */
    record Content(long rows, long digest) {
        static final Content EMPTY = new Content(0, 0);

        Content plus(GenericRecord row) {
            return new Content(rows + 1, digest + LakeRows.digest(row));
        }

        /** This content and one more row of digest {@code rowDigest}. */
        Content plusDigest(long rowDigest) {
            return new Content(rows + 1, digest + rowDigest);
        }

        Content plus(Content other) {
            return new Content(rows + other.rows, digest + other.digest);
        }
    }
}
