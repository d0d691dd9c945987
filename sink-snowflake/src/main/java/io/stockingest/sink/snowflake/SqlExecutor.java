package io.stockingest.sink.snowflake;

import java.util.List;
import java.util.Map;

/**
 * Runs SQL text on one session. The sink and the migration talk to Snowflake only through this, so tests record
 * the statements with a fake and the real implementation ({@link JdbcSqlExecutor}) is a thin JDBC adapter.
 *
 * <p>Failures are {@link io.stockingest.core.IngestException}s of kind {@code SINK} (or {@code AUTH} for a refused
 * login) naming the statement. Not thread-safe: one executor serves one load at a time.
 */
public interface SqlExecutor extends AutoCloseable {
    /** Runs a statement whose result is not needed (DDL, PUT, REMOVE, MERGE whose counts are not read). */
    void execute(String sql);

    /**
     * Runs a statement and returns its result rows, column labels upper-cased (COPY's per-file results, MERGE's
     * counts, the DQ gate's counts, the schema version).
     */
    List<Map<String, Object>> query(String sql);

    /** {@code BEGIN}: the following statements (DML only: DDL commits on its own in Snowflake) form one transaction. */
    void begin();

    void commit();

    void rollback();

    @Override
    void close();
}
