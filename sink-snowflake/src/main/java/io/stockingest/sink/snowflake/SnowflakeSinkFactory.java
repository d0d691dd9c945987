package io.stockingest.sink.snowflake;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.SchemaAdmin;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.lake.LakeLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --sink snowflake}: settings from {@code SNOWFLAKE_*} ({@link SnowflakeConfig}); {@code S3_RAW_PREFIX}
 * names the lake folder an external stage points into. Creating the sink does not connect: the first statement
 * does. Offers schema administration ({@code db migrate/info --sink snowflake}); the sink itself offers a
 * {@link io.stockingest.core.spi.DryRunPlan}.
 */
public final class SnowflakeSinkFactory implements SinkFactory, SchemaAdmin {
    @Override
    public Set<String> schemes() {
        return Set.of("snowflake");
    }

    @Override
    public List<String> examples() {
        return List.of("snowflake");
    }

    @Override
    public Sink create(String uri, Settings settings) {
        return open(uri, settings);
    }

    /** Applies the pending migrations. */
    @Override
    public List<String> migrate(String uri, Settings settings) {
        try (SnowflakeSink sink = open(uri, settings)) {
            List<Integer> applied = sink.migrate();
            return List.of(applied.isEmpty() ? "schema is up to date" : "applied versions " + applied);
        }
    }

    /** Snowflake keeps no migration history to show: {@code db info} prints the plan, as {@code --dry-run} does. */
    @Override
    public List<String> info(String uri, Settings settings) {
        try (SnowflakeSink sink = open(uri, settings)) {
            return sink.planMigration();
        }
    }

    @Override
    public Optional<List<String>> planMigration(String uri, Settings settings) {
        return Optional.of(info(uri, settings));
    }

    private static SnowflakeSink open(String uri, Settings settings) {
        if (!uri.equals("snowflake")) {
            throw new IngestException(ErrorKind.USAGE, "Invalid Snowflake sink '" + uri
                    + "': use --sink snowflake, with SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, ... in the environment");
        }
        SnowflakeConfig config = SnowflakeConfig.from(settings);
        LakeLayout layout = LakeLayout.from(settings);
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "stock-ingest-snowflake");
        return new SnowflakeSink(config, layout, new JdbcSqlExecutor(config), workDir);
    }
}
