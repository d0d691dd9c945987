package io.stockingest.sink.s3;

import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Rejected;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
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

    private LakeSchemas() {}

    private static Schema prices(String name, boolean intraday, boolean quarantine) {
        var fields = SchemaBuilder.record(name).namespace("io.stockingest.lake").fields();
        fields = fields.requiredString("symbol").name("date").type(DATE).noDefault();
        if (intraday) {
            fields = fields.name("ts").type(TIMESTAMP).noDefault().requiredString("interval");
        }
        fields = fields.requiredDouble("open").requiredDouble("high").requiredDouble("low").requiredDouble("close")
                .optionalDouble("adj_close").requiredLong("volume").optionalDouble("vwap").optionalLong("transactions")
                .requiredString("source");
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
        record.put("ingest_ts", micros(ingestTs));
    }

    /** Reads a daily or intraday price record back into a bar (adjustment is not stored and comes back as SPLITS). */
    public static Bar toBar(GenericRecord record, Interval interval) {
        Object rawDate = record.get("date");
        LocalDate date = rawDate instanceof LocalDate local ? local : LocalDate.ofEpochDay((Integer) rawDate);
        Object rawTs = record.getSchema().getField("ts") == null ? null : record.get("ts");
        Instant ts = rawTs instanceof Instant instant ? instant
                : rawTs instanceof Long micros ? fromMicros(micros)
                : date.atTime(9, 30).atZone(java.time.ZoneId.of("America/New_York")).toInstant();
        return new Bar(Symbol.parse(record.get("symbol").toString()), interval, ts, date, (Double) record.get("open"),
                (Double) record.get("high"), (Double) record.get("low"), (Double) record.get("close"), (Double) record.get("adj_close"),
                (Long) record.get("volume"), (Double) record.get("vwap"), (Long) record.get("transactions"), record.get("source").toString(),
                Adjustment.SPLITS);
    }

    public static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    public static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
