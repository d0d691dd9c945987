package io.stockingest.sink.postgres.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server (embedded binaries, 127.0.0.1, an ephemeral port) shared by every test of the JVM:
 * started on first use, stopped when the JVM exits. Tests isolate themselves with {@link #freshSchema()}, never by
 * starting their own server (a start costs seconds). Tests that must stop or restart PostgreSQL start their own.
 *
 * <p>Thread-safe.
 */
public final class PostgresTestServer {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres server;

    private PostgresTestServer() {}

    /** The shared server, started on the first call. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                EmbeddedPostgres started = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting: the embedded server's own cleanup removes its directory
                    }
                }, "postgres-test-server-stop"));
                server = started;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the embedded PostgreSQL test server", e);
            }
        }
        return server;
    }

    /** The JDBC URL of database {@code postgres} as user {@code postgres}. */
    public static String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** The JDBC URL of {@code database} as user {@code postgres}. */
    public static String jdbcUrl(String database) {
        return server().getJdbcUrl("postgres", database);
    }

    /** The server's port on 127.0.0.1 (for a {@code DATABASE_URL}; any password is accepted). */
    public static int port() {
        return server().getPort();
    }

    /**
     * Creates a database no other test of this JVM uses and returns its name: for tests that run the CLI against its
     * default schema, which a schema of their own cannot isolate.
     */
    public static String createDatabase() {
        String database = "db" + SCHEMAS.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database, e);
        }
        return database;
    }

    /** A schema name no other test of this JVM has (not created: the code under test creates it, or {@link #createSchema}). */
    public static String freshSchema() {
        return "t" + SCHEMAS.incrementAndGet();
    }

    /** Creates a fresh schema and returns its name. */
    public static String createSchema() {
        String schema = freshSchema();
        try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create schema " + schema, e);
        }
        return schema;
    }

    /** A connection whose search path is {@code schema}. */
    public static Connection connect(String schema) throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl());
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
        }
        return c;
    }
}
