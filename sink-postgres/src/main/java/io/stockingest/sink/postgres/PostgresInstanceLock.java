package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.spi.Sink;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.zip.CRC32;

/**
 * One instance of a job per database schema: a session-level {@code pg_try_advisory_lock(key1, key2)} held on a
 * dedicated connection for as long as the job runs. {@code key1} is fixed for stock-ingest and {@code key2} is derived
 * from the schema and the job, so two schemas (two data sets) in one database do not conflict.
 *
 * <p>Who holds it: the holding session sets its {@code application_name} to
 * {@code stock-ingest <job>: pid N, since T}, and a refused instance reads it from {@code pg_locks} joined to
 * {@code pg_stat_activity}, i.e. from the live holder, never from a row a dead process may have left. (A role that may
 * not see other roles' sessions sees "another session".)
 *
 * <p>Release: closing the lock unlocks and closes the connection; when the process dies the server ends its session
 * and with it the lock, at once when the OS closes the socket (a killed process), or after TCP keepalive notices a
 * vanished host ({@code tcpKeepAlive} is on for this connection; how fast depends on the server's
 * {@code tcp_keepalives_*} settings). The converse also holds: if the lock connection is cut while the job runs,
 * the server releases the lock and a second instance could start.
 */
final class PostgresInstanceLock implements Sink.InstanceLock {
    /** key1 of every stock-ingest advisory lock: "stock-ingest" as a positive int. */
    static final int NAMESPACE = positive("stock-ingest");
    private final Connection session;
    private final int key;
    private final String holder;

    private PostgresInstanceLock(Connection session, int key, String holder) {
        this.session = session;
        this.key = key;
        this.holder = holder;
    }

    /**
     * Takes the lock of {@code job} on the configured schema.
     *
     * @throws IngestException USAGE "{@code <job> is already running (pid N, since T) on <database>; stop it first}"
     *     when a live session holds it; SINK when the database cannot be reached
     */
    static PostgresInstanceLock acquire(PostgresAdmin admin, String job, Instant since) {
        requireNonNull(admin, "admin is null");
        requireNonNull(since, "since is null");
        Sink.InstanceLock.checkJob(job);
        PostgresConfig config = admin.config();
        int key = positive(config.schema() + "/" + job);
        String holder = "pid " + ProcessHandle.current().pid() + ", since " + since.truncatedTo(ChronoUnit.SECONDS);
        Connection c = null;
        try {
            Properties props = config.connectionProperties();
            props.setProperty("tcpKeepAlive", "true");
            c = DriverManager.getConnection(config.jdbcUrl(), props);
            c.setAutoCommit(true);
            boolean locked;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                ps.setInt(1, NAMESPACE);
                ps.setInt(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    locked = rs.getBoolean(1);
                }
            }
            if (!locked) {
                String held = currentHolder(c, key);
                c.close();
                throw new IngestException(ErrorKind.USAGE, job + " is already running (" + held + ") on " + config.name() + "; stop it first");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                ps.setString(1, "stock-ingest " + job + ": " + holder);
                ps.execute();
            }
            return new PostgresInstanceLock(c, key, holder);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new IngestException(ErrorKind.SINK, "Cannot take the " + job + " lock on " + config.name() + ": " + Secrets.redact(e.getMessage()), e);
        }
    }

    /** The holder's "pid N, since T" from its application_name, plus its database session (and client address). */
    private static String currentHolder(Connection c, int key) throws SQLException {
        String sql = "SELECT a.application_name, a.pid, host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::oid AND l.objid = ?::oid AND l.objsubid = 2"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, NAMESPACE);
            ps.setLong(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "another session";
                }
                String name = rs.getString(1);
                String prefix = name == null ? "" : name;
                int colon = prefix.indexOf(": pid ");
                String who = colon < 0 ? "another session" : prefix.substring(colon + 2);
                String address = rs.getString(3);
                return who + "; database session " + rs.getInt(2) + (address == null ? "" : " from " + address);
            }
        }
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public void close() {
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            ps.setInt(1, NAMESPACE);
            ps.setInt(2, key);
            ps.execute();
        } catch (SQLException ignored) {
            // closing the session below releases the lock anyway
        }
        closeQuietly(session);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }

    /** A stable non-negative int for {@code text} (CRC-32 of its UTF-8 bytes, top bit cleared): pg_locks shows oids unsigned. */
    static int positive(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() & 0x7fff_ffffL);
    }
}
