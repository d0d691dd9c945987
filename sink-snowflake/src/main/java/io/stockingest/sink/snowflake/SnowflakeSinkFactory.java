package io.stockingest.sink.snowflake;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.lake.LakeLayout;
import java.nio.file.Path;

/**
 * {@code --sink snowflake}: settings from {@code SNOWFLAKE_*} ({@link SnowflakeConfig}); {@code S3_RAW_PREFIX}
 * names the lake folder an external stage points into. Creating the sink does not connect: the first statement
 * does.
 */
public final class SnowflakeSinkFactory implements SinkFactory {
    @Override
    public Sink create(String uri, Settings settings) {
        if (!uri.equals("snowflake")) {
            throw new IngestException(ErrorKind.USAGE, "Invalid Snowflake sink '" + uri
                    + "': use --sink snowflake, with SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, ... in the environment");
        }
        SnowflakeConfig config = SnowflakeConfig.from(settings);
        LakeLayout layout;
        try {
            layout = new LakeLayout(settings.get("S3_RAW_PREFIX", "raw"));
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.CONFIG, e.getMessage(), e);
        }
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "stock-ingest-snowflake");
        return new SnowflakeSink(config, layout, new JdbcSqlExecutor(config), workDir);
    }
}
