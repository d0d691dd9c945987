package io.stockingest.app;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every batch command shares ({@code prices}, {@code fundamentals}, {@code options}, {@code actions}). */
abstract class RunOptions {
    @Option(names = "--source", description = "fmp, polygon or yahoo (default: yahoo if it provides the dataset, else the first source, by name,"
            + " that provides it and is configured: fundamentals fmp, options polygon)")
    String source;

    @Option(names = "--sink", description = "parquet:DIR, s3://BUCKET[/PREFIX], postgres, postgresql://..., snowflake, iceberg:DIR, iceberg; repeatable (default: parquet:./data)")
    List<String> sinks = new ArrayList<>();

    @Option(names = "--force", description = "Rewrite partitions or files that already exist")
    boolean force;

    @Option(names = "--shard", description = "K/N: take only the symbols whose stable hash modulo N is K (default: ${DEFAULT-VALUE})", defaultValue = "0/1")
    String shard;

    @Option(names = "--dry-run", description = "Print what would be fetched and written; fetch and write nothing")
    boolean dryRun;

    @Option(names = "--metrics-out", description = "Also write the run's metrics JSON to this file")
    String metricsOut;

    /** Parses an ISO date given with {@code flag}, with a message that says what to type. */
    static LocalDate date(String flag, String text) {
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + " '" + text + "' is not a valid date: use YYYY-MM-DD, e.g. 2024-09-30");
        }
    }
}
