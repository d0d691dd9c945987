import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the Iceberg sink's tables with Spark 3.5 and Iceberg's Spark runtime, in local mode. Run by
 * {@code SparkReadTest} with JDK 17's source launcher on Spark's classpath; the catalogs are registered by the
 * {@code -Dspark.sql.catalog.*} system properties the test takes from docs/iceberg.md (Spark reads {@code spark.*}
 * system properties as its configuration). Arguments: {@code CATALOG.NAMESPACE}, one per catalog to read.
 *
 * <p>Prints tab-separated lines on stdout (Spark logs to stderr): {@code TABLES}, {@code SCHEMA}, {@code ROW} (every
 * row of every table, values formatted as {@code SparkReadTest} formats Iceberg's generic records), {@code AGG} (per
 * symbol of {@code prices_daily}, in SQL), {@code SNAPSHOT}, {@code ROWAT} (every row of {@code prices_daily} as each
 * snapshot left it: time travel) and {@code CUM} (the list columns of {@code price_cumulative_7d}, in SQL).
 */
public class SparkRead {
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder()
                .appName("stock-ingest-spark-check")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.datetime.java8API.enabled", "true")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            for (String arg : args) {
                read(spark, arg);
            }
        } finally {
            spark.stop();
        }
    }

    private static void read(SparkSession spark, String ns) {
        List<String> tables = new ArrayList<>();
        for (Row r : spark.sql("SHOW TABLES IN " + ns).collectAsList()) {
            tables.add(r.getString(1));
        }
        Collections.sort(tables);
        out("TABLES", ns, String.join(",", tables));
        for (String table : tables) {
            String name = ns + "." + table;
            var df = spark.table(name);
            List<String> fields = new ArrayList<>();
            for (var f : df.schema().fields()) {
                fields.add(f.name() + ":" + f.dataType().simpleString());
            }
            out("SCHEMA", name, String.join(",", fields));
            for (Row r : df.collectAsList()) {
                out("ROW", name, row(r));
            }
        }
        String daily = ns + ".prices_daily";
        for (Row r : spark.sql("SELECT symbol, count(*), sum(close), sum(volume), min(date), max(date) FROM " + daily
                + " GROUP BY symbol ORDER BY symbol").collectAsList()) {
            out("AGG", daily, row(r));
        }
        for (Row r : spark.sql("SELECT snapshot_id, summary['stock-ingest.run-id'] FROM " + daily + ".snapshots ORDER BY committed_at")
                .collectAsList()) {
            long id = r.getLong(0);
            out("SNAPSHOT", daily, id + " " + r.getString(1));
            for (Row at : spark.sql("SELECT * FROM " + daily + " VERSION AS OF " + id).collectAsList()) {
                out("ROWAT", daily, id + " " + row(at));
            }
        }
        String cumulative = ns + ".price_cumulative_7d";
        for (Row r : spark.sql("SELECT symbol, date, size(closes), element_at(closes, -1), element_at(opens, 1), "
                + "aggregate(volumes, 0L, (acc, v) -> acc + v), array_max(highs), array_min(lows) FROM " + cumulative).collectAsList()) {
            out("CUM", cumulative, row(r));
        }
    }

    private static void out(String kind, String what, String line) {
        System.out.println(kind + "\t" + what + "\t" + line);
    }

    private static String row(Row r) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
            values.add(value(r.get(i)));
        }
        return String.join("|", values);
    }

    /** The format of SparkReadTest.value for Iceberg's records: the same text for the same value. */
    private static String value(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof CharSequence c) {
            // one value per line: a JSON document (ingest_runs.metrics) spans lines
            return c.toString().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        } else if (v instanceof Row r) {
            return "(" + row(r) + ")";
        } else if (v instanceof scala.collection.Map<?, ?> m) {
            Map<String, String> sorted = new TreeMap<>();
            scala.jdk.javaapi.CollectionConverters.asJava(m).forEach((k, x) -> sorted.put(value(k), value(x)));
            return sorted.toString();
        } else if (v instanceof scala.collection.Iterable<?> it) {
            List<String> items = new ArrayList<>();
            scala.jdk.javaapi.CollectionConverters.asJava(it).forEach(x -> items.add(value(x)));
            return "[" + String.join(",", items) + "]";
        } else if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        } else if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return HexFormat.of().formatHex(bytes);
        } else if (v instanceof java.math.BigDecimal d) {
            return d.toPlainString();
        } else if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        } else if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().toString();
        }
        // String, Long, Integer, Double, Boolean, LocalDate, Instant
        return v.toString();
    }
}
