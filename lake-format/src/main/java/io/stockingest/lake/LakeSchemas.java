package io.stockingest.lake;

import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.Venue;
import io.stockingest.core.spi.Rejected;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The lake's Parquet schemas (PRODUCT.md, snake_case) and the mapping of model records to them. Dates are Parquet
 * {@code DATE}, timestamps {@code TIMESTAMP(MICROS, UTC)}.
 */
public final class LakeSchemas {
    private static final Schema DATE = LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
    private static final Schema TIMESTAMP = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));

    public static final Schema DAILY = prices("price_daily", false, false);
    public static final Schema INTRADAY = prices("price_intraday", true, false);
    public static final Schema QUARANTINE = prices("quarantined_price", true, true);

    public static final Schema STATEMENT = SchemaBuilder.record("financial_statement").namespace("io.stockingest.lake").fields()
            .requiredString("symbol").requiredString("statement_type").requiredString("period").requiredInt("fiscal_year")
            .name("period_end").type(DATE).noDefault()
            .name("filing_date").type().optional().type(DATE)
            .name("accepted_at").type().optional().type(TIMESTAMP)
            .optionalString("currency")
            .name("line_items").type().map().values().doubleType().noDefault()
            .requiredString("source")
            .name("ingest_ts").type(TIMESTAMP).noDefault()
            .endRecord();

    public static final Schema OPTION = SchemaBuilder.record("option_snapshot").namespace("io.stockingest.lake").fields()
            .requiredString("contract").requiredString("underlying").optionalString("contract_type").optionalString("exercise_style")
            .requiredDouble("strike").name("expiration").type(DATE).noDefault()
            .optionalDouble("shares_per_contract")
            .optionalDouble("day_open").optionalDouble("day_high").optionalDouble("day_low").optionalDouble("day_close")
            .optionalDouble("day_volume").optionalDouble("day_vwap").optionalDouble("open_interest").optionalDouble("implied_volatility")
            .optionalDouble("delta").optionalDouble("gamma").optionalDouble("theta").optionalDouble("vega")
            .optionalDouble("break_even_price").optionalDouble("underlying_price")
            .optionalDouble("bid").optionalDouble("ask").optionalDouble("bid_size").optionalDouble("ask_size").optionalDouble("midpoint")
            .optionalDouble("last_price")
            .name("snapshot_time").type().optional().type(TIMESTAMP)
            .name("date").type(DATE).noDefault()
            .requiredString("source")
            .name("ingest_ts").type(TIMESTAMP).noDefault()
            .endRecord();

    public static final Schema ACTION = SchemaBuilder.record("corporate_action").namespace("io.stockingest.lake").fields()
            .requiredString("symbol").requiredString("type").name("ex_date").type(DATE).noDefault()
            .optionalDouble("amount").optionalDouble("numerator").optionalDouble("denominator")
            .name("record_date").type().optional().type(DATE)
            .name("pay_date").type().optional().type(DATE)
            .name("declaration_date").type().optional().type(DATE)
            .optionalString("currency").requiredString("source")
            .name("ingest_ts").type(TIMESTAMP).noDefault()
            .endRecord();

    public static final Schema QUOTE = SchemaBuilder.record("quote").namespace("io.stockingest.lake").fields()
            .requiredString("symbol").name("ts").type(TIMESTAMP).noDefault().requiredDouble("price")
            .optionalDouble("bid").optionalDouble("ask").optionalLong("volume").optionalDouble("day_open").optionalDouble("day_high")
            .optionalDouble("day_low").optionalDouble("previous_close").optionalString("market_state").requiredString("source")
            .name("ingest_ts").type(TIMESTAMP).noDefault()
            .endRecord();

    /** {@code features/prices/...}: PostgreSQL's {@code price_features} columns, and {@code ingest_ts}. */
    public static final Schema FEATURES = SchemaBuilder.record("price_features").namespace("io.stockingest.lake").fields()
            .requiredString("symbol").name("date").type(DATE).noDefault().requiredDouble("close")
            .optionalDouble("ma_20").optionalDouble("ma_50").optionalDouble("volatility_20d")
            .name("ingest_ts").type(TIMESTAMP).noDefault()
            .endRecord();

    /** {@code features/cumulative_7d/...}: PostgreSQL's {@code price_cumulative_7d} columns (lists oldest first), and {@code ingest_ts}. */
    public static final Schema CUMULATIVE_7D = SchemaBuilder.record("price_cumulative_7d").namespace("io.stockingest.lake").fields()
            .requiredString("symbol").name("date").type(DATE).noDefault()
            .name("opens").type().array().items().doubleType().noDefault()
            .name("highs").type().array().items().doubleType().noDefault()
            .name("lows").type().array().items().doubleType().noDefault()
            .name("closes").type().array().items().doubleType().noDefault()
            .name("volumes").type().array().items().longType().noDefault()
            .optionalDouble("avg_7_day_volume").optionalDouble("volatility_7_day")
            .name("ingest_ts").type(TIMESTAMP).noDefault()
            .endRecord();

    private LakeSchemas() {}

    /** Row {@code row} of {@code f} as a {@link #FEATURES} record (an undefined feature is null). */
    public static GenericRecord features(io.stockingest.core.features.FeatureSeries f, int row, Instant ingestTs) {
        GenericRecord r = new GenericData.Record(FEATURES);
        r.put("symbol", f.symbol().value());
        r.put("date", (int) f.date(row).toEpochDay());
        r.put("close", f.close(row));
        r.put("ma_20", orNull(f.ma20(row)));
        r.put("ma_50", orNull(f.ma50(row)));
        r.put("volatility_20d", orNull(f.volatility20d(row)));
        r.put("ingest_ts", micros(ingestTs));
        return r;
    }

    /** Row {@code row} of {@code f} as a {@link #CUMULATIVE_7D} record. */
    public static GenericRecord cumulative(io.stockingest.core.features.FeatureSeries f, int row, Instant ingestTs) {
        int n = f.cumulativeLength(row);
        List<Double> opens = new java.util.ArrayList<>(n);
        List<Double> highs = new java.util.ArrayList<>(n);
        List<Double> lows = new java.util.ArrayList<>(n);
        List<Double> closes = new java.util.ArrayList<>(n);
        List<Long> volumes = new java.util.ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            opens.add(f.open(row, k));
            highs.add(f.high(row, k));
            lows.add(f.low(row, k));
            closes.add(f.close(row, k));
            volumes.add(f.volume(row, k));
        }
        GenericRecord r = new GenericData.Record(CUMULATIVE_7D);
        r.put("symbol", f.symbol().value());
        r.put("date", (int) f.date(row).toEpochDay());
        r.put("opens", opens);
        r.put("highs", highs);
        r.put("lows", lows);
        r.put("closes", closes);
        r.put("volumes", volumes);
        r.put("avg_7_day_volume", orNull(f.avg7DayVolume(row)));
        r.put("volatility_7_day", orNull(f.volatility7Day(row)));
        r.put("ingest_ts", micros(ingestTs));
        return r;
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of a feature series: part of one feature file. */
    public record FeatureSlice(io.stockingest.core.features.FeatureSeries series, int from, int to) {
        public FeatureSlice {
            java.util.Objects.requireNonNull(series, "series is null");
            if (from < 0 || to < from || to > series.size()) {
                throw new IllegalArgumentException("rows " + from + ".." + to + " outside a series of " + series.size());
            }
        }
    }

    /**
     * The rows of {@code slices}, in order, as {@link #FEATURES} or {@link #CUMULATIVE_7D} rows stamped {@code ingestTs}
     * (the values of {@link #features} and {@link #cumulative} records), read column by column without a record per row.
     */
    static FlatParquetEncoder.Rows featureRows(Schema schema, List<FeatureSlice> slices, Instant ingestTs) {
        if (schema != FEATURES && schema != CUMULATIVE_7D) {
            throw new IllegalArgumentException("not a feature schema: " + schema.getName());
        }
        int total = 0;
        int[] starts = new int[slices.size() + 1];
        for (int i = 0; i < slices.size(); i++) {
            starts[i] = total;
            total += slices.get(i).to() - slices.get(i).from();
        }
        starts[slices.size()] = total;
        int size = total;
        String[] names = new String[schema.getFields().size()];
        schema.getFields().forEach(f -> names[f.pos()] = f.name());
        long ingestMicros = micros(ingestTs);
        return new FlatParquetEncoder.Rows() {
            private int slice;

            /** The series row of table row {@code row} (its slice is left in {@code slice}). */
            private int at(int row) {
                if (row < starts[slice] || row >= starts[slice + 1]) {
                    int i = java.util.Arrays.binarySearch(starts, 0, slices.size(), row);
                    slice = i >= 0 ? i : -i - 2;
                    while (starts[slice + 1] == starts[slice]) {
                        slice++; // an empty slice
                    }
                }
                return slices.get(slice).from() + row - starts[slice];
            }

            private io.stockingest.core.features.FeatureSeries series() {
                return slices.get(slice).series();
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public boolean isNull(int row, int column) {
                int r = at(row);
                return switch (names[column]) {
                    case "ma_20" -> Double.isNaN(series().ma20(r));
                    case "ma_50" -> Double.isNaN(series().ma50(r));
                    case "volatility_20d" -> Double.isNaN(series().volatility20d(r));
                    case "avg_7_day_volume" -> Double.isNaN(series().avg7DayVolume(r));
                    case "volatility_7_day" -> Double.isNaN(series().volatility7Day(r));
                    default -> false;
                };
            }

            @Override
            public int intValue(int row, int column) {
                return (int) series(row).date(at(row)).toEpochDay();
            }

            private io.stockingest.core.features.FeatureSeries series(int row) {
                at(row);
                return series();
            }

            @Override
            public long longValue(int row, int column) {
                if (!names[column].equals("ingest_ts")) {
                    throw new IllegalStateException("not a long column: " + names[column]);
                }
                return ingestMicros;
            }

            @Override
            public double doubleValue(int row, int column) {
                int r = at(row);
                return switch (names[column]) {
                    case "close" -> series().close(r);
                    case "ma_20" -> series().ma20(r);
                    case "ma_50" -> series().ma50(r);
                    case "volatility_20d" -> series().volatility20d(r);
                    case "avg_7_day_volume" -> series().avg7DayVolume(r);
                    case "volatility_7_day" -> series().volatility7Day(r);
                    default -> throw new IllegalStateException("not a double column: " + names[column]);
                };
            }

            @Override
            public String stringValue(int row, int column) {
                return series(row).symbol().value();
            }

            @Override
            public int listSize(int row, int column) {
                int r = at(row);
                return series().cumulativeLength(r);
            }

            @Override
            public double listDouble(int row, int column, int index) {
                int r = at(row);
                return switch (names[column]) {
                    case "opens" -> series().open(r, index);
                    case "highs" -> series().high(r, index);
                    case "lows" -> series().low(r, index);
                    case "closes" -> series().close(r, index);
                    default -> throw new IllegalStateException("not a list of doubles: " + names[column]);
                };
            }

            @Override
            public long listLong(int row, int column, int index) {
                return series(row).volume(at(row), index);
            }
        };
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * A record read back from a file (dates as {@link LocalDate}, timestamps as {@link Instant}, strings as Avro's
     * text) as {@code schema} expects it for writing.
     */
    public static GenericRecord forWriting(Schema schema, GenericRecord read) {
        GenericRecord r = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Object v = read.get(field.name());
            r.put(field.name(), v instanceof LocalDate d ? (Object) (int) d.toEpochDay()
                    : v instanceof Instant i ? (Object) micros(i) : v instanceof CharSequence text ? text.toString() : v);
        }
        return r;
    }

    /** The date of a record with a {@code date} column (Avro's logical-type conversion on or off). */
    public static LocalDate dateOf(GenericRecord record) {
        return date(record.get("date"));
    }

    public static io.stockingest.core.model.Quote toQuote(GenericRecord r) {
        Object ts = r.get("ts");
        return new io.stockingest.core.model.Quote(Symbol.parse(r.get("symbol").toString()),
                ts instanceof Instant instant ? instant : fromMicros((Long) ts), (Double) r.get("price"), (Double) r.get("bid"),
                (Double) r.get("ask"), (Long) r.get("volume"), (Double) r.get("day_open"), (Double) r.get("day_high"), (Double) r.get("day_low"),
                (Double) r.get("previous_close"), r.get("market_state") == null ? null : r.get("market_state").toString(), r.get("source").toString());
    }

    public static GenericRecord quote(io.stockingest.core.model.Quote q, Instant ingestTs) {
        GenericRecord r = new GenericData.Record(QUOTE);
        r.put("symbol", q.symbol().value());
        r.put("ts", micros(q.time()));
        r.put("price", q.price());
        r.put("bid", q.bid());
        r.put("ask", q.ask());
        r.put("volume", q.volume());
        r.put("day_open", q.dayOpen());
        r.put("day_high", q.dayHigh());
        r.put("day_low", q.dayLow());
        r.put("previous_close", q.previousClose());
        r.put("market_state", q.marketState());
        r.put("source", q.source());
        r.put("ingest_ts", micros(ingestTs));
        return r;
    }

    public static GenericRecord statement(io.stockingest.core.model.FinancialStatement s, Instant ingestTs) {
        GenericRecord r = new GenericData.Record(STATEMENT);
        r.put("symbol", s.symbol().value());
        r.put("statement_type", s.type().code());
        r.put("period", s.period());
        r.put("fiscal_year", s.fiscalYear());
        r.put("period_end", days(s.periodEnd()));
        r.put("filing_date", days(s.filingDate()));
        r.put("accepted_at", s.acceptedAt() == null ? null : micros(s.acceptedAt()));
        r.put("currency", s.currency());
        r.put("line_items", new java.util.TreeMap<>(s.lineItems()));
        r.put("source", s.source());
        r.put("ingest_ts", micros(ingestTs));
        return r;
    }

    public static GenericRecord option(io.stockingest.core.model.OptionSnapshot o, Instant ingestTs) {
        GenericRecord r = new GenericData.Record(OPTION);
        r.put("contract", o.contract());
        r.put("underlying", o.underlying().value());
        r.put("contract_type", o.contractType());
        r.put("exercise_style", o.exerciseStyle());
        r.put("strike", o.strike());
        r.put("expiration", days(o.expiration()));
        r.put("shares_per_contract", o.sharesPerContract());
        r.put("day_open", o.dayOpen());
        r.put("day_high", o.dayHigh());
        r.put("day_low", o.dayLow());
        r.put("day_close", o.dayClose());
        r.put("day_volume", o.dayVolume());
        r.put("day_vwap", o.dayVwap());
        r.put("open_interest", o.openInterest());
        r.put("implied_volatility", o.impliedVolatility());
        r.put("delta", o.delta());
        r.put("gamma", o.gamma());
        r.put("theta", o.theta());
        r.put("vega", o.vega());
        r.put("break_even_price", o.breakEvenPrice());
        r.put("underlying_price", o.underlyingPrice());
        r.put("bid", o.bid());
        r.put("ask", o.ask());
        r.put("bid_size", o.bidSize());
        r.put("ask_size", o.askSize());
        r.put("midpoint", o.midpoint());
        r.put("last_price", o.lastPrice());
        r.put("snapshot_time", o.snapshotTime() == null ? null : micros(o.snapshotTime()));
        r.put("date", days(o.date()));
        r.put("source", o.source());
        r.put("ingest_ts", micros(ingestTs));
        return r;
    }

    public static GenericRecord action(io.stockingest.core.model.CorporateAction a, Instant ingestTs) {
        GenericRecord r = new GenericData.Record(ACTION);
        r.put("symbol", a.symbol().value());
        r.put("type", a.type().code());
        r.put("ex_date", days(a.exDate()));
        r.put("amount", a.amount());
        r.put("numerator", a.numerator());
        r.put("denominator", a.denominator());
        r.put("record_date", days(a.recordDate()));
        r.put("pay_date", days(a.payDate()));
        r.put("declaration_date", days(a.declarationDate()));
        r.put("currency", a.currency());
        r.put("source", a.source());
        r.put("ingest_ts", micros(ingestTs));
        return r;
    }

    public static io.stockingest.core.model.CorporateAction toAction(GenericRecord r) {
        return new io.stockingest.core.model.CorporateAction(Symbol.parse(r.get("symbol").toString()),
                io.stockingest.core.model.CorporateAction.Type.valueOf(r.get("type").toString().toUpperCase(java.util.Locale.ROOT)),
                date(r.get("ex_date")), (Double) r.get("amount"), (Double) r.get("numerator"), (Double) r.get("denominator"),
                date(r.get("record_date")), date(r.get("pay_date")), date(r.get("declaration_date")),
                r.get("currency") == null ? null : r.get("currency").toString(), r.get("source").toString());
    }

    private static Integer days(LocalDate date) {
        return date == null ? null : (int) date.toEpochDay();
    }

    private static LocalDate date(Object value) {
        return value == null ? null : value instanceof LocalDate local ? local : LocalDate.ofEpochDay((Integer) value);
    }

    private static Schema prices(String name, boolean intraday, boolean quarantine) {
        var fields = SchemaBuilder.record(name).namespace("io.stockingest.lake").fields();
        fields = fields.requiredString("symbol").name("date").type(DATE).noDefault();
        if (intraday) {
            fields = fields.name("ts").type(TIMESTAMP).noDefault().requiredString("interval");
        }
        fields = fields.requiredDouble("open").requiredDouble("high").requiredDouble("low").requiredDouble("close")
                .optionalDouble("adj_close").requiredLong("volume").optionalDouble("vwap").optionalLong("transactions")
                .requiredString("source").optionalString("venue");
        if (quarantine) {
            fields = fields.requiredString("rule").requiredString("detail").requiredString("run_id");
        }
        return fields.name("ingest_ts").type(TIMESTAMP).noDefault().endRecord();
    }

    public static GenericRecord bar(Bar bar, Instant ingestTs) {
        Schema schema = bar.interval().isIntraday() ? INTRADAY : DAILY;
        GenericRecord record = new GenericData.Record(schema);
        fill(record, bar, ingestTs);
        return record;
    }

    public static GenericRecord rejected(Rejected rejected, String runId, Instant ingestTs) {
        GenericRecord record = new GenericData.Record(QUARANTINE);
        fill(record, rejected.bar(), ingestTs);
        record.put("ts", micros(rejected.bar().ts()));
        record.put("interval", rejected.bar().interval().code());
        record.put("rule", rejected.rule());
        record.put("detail", rejected.detail());
        record.put("run_id", runId);
        return record;
    }

    private static void fill(GenericRecord record, Bar bar, Instant ingestTs) {
        record.put("symbol", bar.symbol().value());
        record.put("date", (int) bar.date().toEpochDay());
        if (bar.interval().isIntraday()) {
            record.put("ts", micros(bar.ts()));
            record.put("interval", bar.interval().code());
        }
        record.put("open", bar.open());
        record.put("high", bar.high());
        record.put("low", bar.low());
        record.put("close", bar.close());
        record.put("adj_close", bar.adjClose());
        record.put("volume", bar.volume());
        record.put("vwap", bar.vwap());
        record.put("transactions", bar.transactions());
        record.put("source", bar.source());
        record.put("venue", bar.venue().code());
        record.put("ingest_ts", micros(ingestTs));
    }

    /**
     * Bars as rows of {@link #DAILY} or {@link #INTRADAY} for {@link FlatParquetEncoder}, read straight from the bars
     * (no Avro record per bar): the same values {@link #bar} puts in a record.
     */
    static FlatParquetEncoder.Rows barRows(Schema schema, List<Bar> bars, Instant ingestTs) {
        BarField[] fields = new BarField[schema.getFields().size()];
        for (Schema.Field field : schema.getFields()) {
            fields[field.pos()] = BarField.of(field.name());
        }
        long ingestMicros = micros(ingestTs);
        return new FlatParquetEncoder.Rows() {
            @Override
            public int size() {
                return bars.size();
            }

            @Override
            public boolean isNull(int row, int column) {
                Bar bar = bars.get(row);
                return switch (fields[column]) {
                    case ADJ_CLOSE -> bar.adjClose() == null;
                    case VWAP -> bar.vwap() == null;
                    case TRANSACTIONS -> bar.transactions() == null;
                    default -> false;
                };
            }

            @Override
            public int intValue(int row, int column) {
                if (fields[column] != BarField.DATE) {
                    throw new IllegalStateException("not an int column: " + fields[column]);
                }
                return (int) bars.get(row).date().toEpochDay();
            }

            @Override
            public long longValue(int row, int column) {
                Bar bar = bars.get(row);
                return switch (fields[column]) {
                    case TS -> micros(bar.ts());
                    case VOLUME -> bar.volume();
                    case TRANSACTIONS -> bar.transactions();
                    case INGEST_TS -> ingestMicros;
                    default -> throw new IllegalStateException("not a long column: " + fields[column]);
                };
            }

            @Override
            public double doubleValue(int row, int column) {
                Bar bar = bars.get(row);
                return switch (fields[column]) {
                    case OPEN -> bar.open();
                    case HIGH -> bar.high();
                    case LOW -> bar.low();
                    case CLOSE -> bar.close();
                    case ADJ_CLOSE -> bar.adjClose();
                    case VWAP -> bar.vwap();
                    default -> throw new IllegalStateException("not a double column: " + fields[column]);
                };
            }

            @Override
            public String stringValue(int row, int column) {
                Bar bar = bars.get(row);
                return switch (fields[column]) {
                    case SYMBOL -> bar.symbol().value();
                    case INTERVAL -> bar.interval().code();
                    case SOURCE -> bar.source();
                    case VENUE -> bar.venue().code();
                    default -> throw new IllegalStateException("not a string column: " + fields[column]);
                };
            }
        };
    }

    private enum BarField {
        SYMBOL, DATE, TS, INTERVAL, OPEN, HIGH, LOW, CLOSE, ADJ_CLOSE, VOLUME, VWAP, TRANSACTIONS, SOURCE, VENUE, INGEST_TS;

        static BarField of(String column) {
            return valueOf(column.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * Reads a daily or intraday price record back into a bar (adjustment is not stored and comes back as SPLITS; a file
     * written before the {@code venue} column gives the venue the symbol's spelling implies).
     */
    public static Bar toBar(GenericRecord record, Interval interval) {
        Object rawDate = record.get("date");
        LocalDate date = rawDate instanceof LocalDate local ? local : LocalDate.ofEpochDay((Integer) rawDate);
        Object rawTs = record.getSchema().getField("ts") == null ? null : record.get("ts");
        Instant ts = rawTs instanceof Instant instant ? instant
                : rawTs instanceof Long micros ? fromMicros(micros)
                : date.atTime(9, 30).atZone(java.time.ZoneId.of("America/New_York")).toInstant();
        Symbol symbol = Symbol.parse(record.get("symbol").toString());
        Object venue = record.getSchema().getField("venue") == null ? null : record.get("venue");
        return new Bar(symbol, interval, ts, date, (Double) record.get("open"),
                (Double) record.get("high"), (Double) record.get("low"), (Double) record.get("close"), (Double) record.get("adj_close"),
                (Long) record.get("volume"), (Double) record.get("vwap"), (Long) record.get("transactions"), record.get("source").toString(),
                Adjustment.SPLITS, venue == null ? Venue.ofSymbol(symbol) : Venue.stored(venue.toString(), symbol));
    }

    public static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    public static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
