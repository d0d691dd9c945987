package io.stockingest.sink.iceberg;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.spi.ReadOnlyAccess;
import io.stockingest.core.spi.RecordedRuns;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.SchemaAdmin;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.TableExport;
import io.stockingest.core.spi.TableMaintenance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --sink iceberg:DIR} (embedded SQLite catalog and local warehouse) or {@code --sink iceberg}
 * ({@code ICEBERG_*}); see {@link IcebergConfig}. Offers, by URI: {@code db migrate/info} ({@link SchemaAdmin}),
 * {@code db maintain} ({@link TableMaintenance}), {@code runs} ({@link RecordedRuns}), {@code export} of a whole
 * table as CSV ({@link TableExport}) and {@code serve} ({@link ReadOnlyAccess}: {@link IcebergReader}). Stateless.
 */
public final class IcebergSinkFactory implements SinkFactory, SchemaAdmin, TableMaintenance, RecordedRuns, TableExport, ReadOnlyAccess {
    private static final String SCHEME = "iceberg:";

    @Override
    public Set<String> schemes() {
        return Set.of("iceberg");
    }

    @Override
    public List<String> examples() {
        return List.of("iceberg:DIR", "iceberg");
    }

    /** {@code iceberg:DIR} with DIR resolved against the working directory; {@code iceberg} as it is. */
    @Override
    public String resolve(String uri, Path workingDirectory) {
        return uri.startsWith(SCHEME) && !uri.substring(SCHEME.length()).isBlank()
                ? SCHEME + workingDirectory.resolve(uri.substring(SCHEME.length())).normalize() : uri;
    }

    @Override
    public Sink create(String uri, Settings settings) {
        return IcebergSink.open(IcebergConfig.from(uri, settings), settings);
    }

    @Override
    public List<String> migrate(String uri, Settings settings) {
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            return admin.migrate();
        }
    }

    @Override
    public List<String> info(String uri, Settings settings) {
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            return admin.info();
        }
    }

    /** The tables that do not exist yet and the columns each would gain; nothing is created. */
    @Override
    public Optional<List<String>> planMigration(String uri, Settings settings) {
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            return Optional.of(admin.planMigration());
        }
    }

    @Override
    public List<String> maintain(String uri, Settings settings, Duration retention, Duration orphanAge) {
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            return admin.maintain(retention, orphanAge);
        }
    }

    @Override
    public List<RunReport> runs(String uri, Settings settings, int limit) {
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            return admin.runs(limit).stream().map(RunReport::fromJson).toList();
        }
    }

    @Override
    public Optional<String> run(String uri, Settings settings, String runId) {
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            return admin.run(runId);
        }
    }

    /** A whole table as CSV: {@code where} must be absent and {@code format} {@code csv}. */
    @Override
    public long export(String uri, Settings settings, String table, String format, String where, Path out) {
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            return admin.exportCsv(table, format, where, out);
        }
    }

    /**
     * DuckDB over the data files Iceberg's scan plans ({@link IcebergReader}); {@code iceberg:DIR} must name a directory
     * holding the embedded catalog (nothing is created for a typo), and the warehouse must be local.
     */
    @Override
    public SinkReader openReader(String uri, Settings settings) {
        if (uri.startsWith(SCHEME)) {
            Path dir = Path.of(uri.substring(SCHEME.length()));
            // opening the embedded catalog would create catalog.db: a directory without one holds nothing to read
            if (uri.substring(SCHEME.length()).isBlank() || !java.nio.file.Files.isRegularFile(dir.resolve("catalog.db"))) {
                throw new IngestException(ErrorKind.USAGE, "No Iceberg sink at " + dir + " (no catalog.db; --sink " + uri + "): nothing to read");
            }
        }
        IcebergConfig config = IcebergConfig.from(uri, settings);
        if (config.warehouse().startsWith("s3://")) {
            throw new IngestException(ErrorKind.USAGE, "serve reads an Iceberg warehouse in a local directory only, not " + config.warehouse());
        }
        IcebergSink sink = IcebergSink.open(config, settings);
        try {
            return new IcebergReader(sink);
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
    }
}
